#pragma once
// A small GRU trained briefly on the generated corpus, shared by the server
// tests. It is trained once per build tree: a lock file keeps test processes
// that run at the same time from training it twice.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "helpers.h"

namespace nmt::test {

inline std::string served_model_dir() {
  const auto dir = std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "served-model";
  std::filesystem::create_directories(dir);
  const auto model = (dir / "model").string();
  const int lock = ::open((dir / "lock").c_str(), O_CREAT | O_RDWR, 0644);
  REQUIRE(lock >= 0);
  flock(lock, LOCK_EX);
  if (!std::filesystem::exists(dir / "trained")) {
    const auto d = dir.string();
    write_file(dir / "config.yaml",
               "data:\n  train: " + d + "/train\n  valid: " + d + "/valid\n  test: " + d + "/test\n"
               "  generate: true\n  generate_train: 4000\n  generate_valid: 50\n  generate_test: 50\n"
               "tokenizer:\n  prefix: " + d + "/spm\n  vocab_size: 200\n"
               "model:\n  embedding_dim: 64\n  hidden_dim: 64\n  dropout: 0.1\n"
               "training:\n  model_dir: " + model + "\n  learning_rate: 0.003\n  batch_tokens: 2000\n"
               "  max_steps: 150\n  validate_every: 150\n  log_every: 50\n  threads: 1\n"
               "decoding:\n  max_length_b: 8\n");
    const auto trained = run(tool("nmt-train") + " --config " + d + "/config.yaml", "served-model-train");
    INFO(trained.err);
    REQUIRE(trained.status == 0);
    write_file(dir / "trained", "");
  }
  flock(lock, LOCK_UN);
  ::close(lock);
  return model;
}

// The generated test sentences of the served model's corpus.
inline std::string served_test_sources() {
  return (std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "served-model" / "test.de").string();
}

}  // namespace nmt::test
