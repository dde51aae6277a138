#pragma once
// What the data-parallel tests share: a free port, a small config, a comparison of weights.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "app/decode/model_dir.h"
#include "helpers.h"
#include "tiny_model.h"

namespace nmt::test {

inline int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t n = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
  ::close(fd);
  return ntohs(a.sin_port);
}

// A small model on the generated corpus, no dropout (ranks draw their own masks),
// in fp32: the ranks' sums and one process's are compared to 1e-5, which bf16
// products' rounding exceeds.
inline std::string write_config(const std::string& dir, const std::string& type) {
  nmt::test::write_file(dir + "/config.yaml",
                        "data:\n  train: " + dir + "/corpus/train\n  valid: " + dir + "/corpus/valid\n"
                        "  generate: true\n  generate_train: 3000\n  generate_valid: 20\n  generate_test: 20\n"
                        "tokenizer:\n  prefix: " + dir + "/corpus/spm\n  vocab_size: 200\n"
                        "model:\n  type: " + type + "\n  embedding_dim: 32\n  hidden_dim: 32\n  heads: 2\n"
                        "  ff_dim: 64\n  encoder_layers: 2\n  decoder_layers: 2\n  dropout: 0.0\n"
                        "training:\n  batch_tokens: 600\n  max_steps: 6\n  log_every: 2\n  validate_every: 1000\n"
                        "  scheduler: noam\n  warmup_steps: 4\n  precision: fp32\n");
  return dir + "/config.yaml";
}

// The weights of two model directories' best.pt, compared as in tiny_model.h.
inline double relative_difference(const std::string& a_dir, const std::string& b_dir) {
  const auto a = nmt::load_model_dir(a_dir, "cpu"), b = nmt::load_model_dir(b_dir, "cpu");
  return nmt::test::relative_weight_difference(*a.model, *b.model);
}

}  // namespace nmt::test
