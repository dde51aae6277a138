#pragma once
// A small GRU trained briefly on the generated corpus, shared by the server
// tests. It is trained once per build tree: a lock file keeps test processes
// that run at the same time from training it twice.
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <string>

#include "data/text_file.h"
#include "tiny_model.h"

namespace nmt::test {

inline std::string served_model_dir() {
  const auto dir = std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "served-model";
  std::filesystem::create_directories(dir);
  const auto model = (dir / "model").string();
  const int lock = ::open((dir / "lock").c_str(), O_CREAT | O_RDWR, 0644);
  REQUIRE(lock >= 0);
  flock(lock, LOCK_EX);
  if (!std::filesystem::exists(dir / "trained")) {
    auto c = tiny_config(dir.string());
    c.data.generate_train = 4000;
    c.data.generate_valid = 50;
    c.data.generate_test = 50;
    c.tokenizer.vocab_size = 200;
    c.model.embedding_dim = 64;
    c.model.hidden_dim = 64;
    c.training.learning_rate = 0.003;
    c.training.batch_tokens = 2000;
    c.training.max_steps = 150;
    c.training.validate_every = 150;
    c.training.log_every = 50;
    c.training.threads = 1;
    c.decoding.max_length_b = 8;
    data::write_file_atomically((dir / "config.yaml").string(), to_yaml(c));
    const auto trained = run(tool("nmt-train") + " --config " + (dir / "config.yaml").string(), "served-model-train");
    INFO(trained.err);
    REQUIRE(trained.status == 0);
    write_file(dir / "trained", "");
  }
  flock(lock, LOCK_UN);
  ::close(lock);
  return model;
}

// The generated test sentences of the served model's corpus (made with the
// model: a test that asks for them first, run alone, still finds them).
inline std::string served_test_sources() {
  served_model_dir();
  return (std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "served-model" / "test.de").string();
}

}  // namespace nmt::test
