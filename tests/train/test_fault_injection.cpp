// scripts/fault_injection.sh in its short mode: a tiny GRU killed with
// SIGKILL three times (once while writing a checkpoint), resumed each time.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "data/text_file.h"
#include "tiny_model.h"

TEST_CASE("training survives SIGKILL at random moments and during checkpoint writes", "[faults]") {
  const auto dir = nmt::test::scratch_dir("fault-injection").string();
  auto c = nmt::test::tiny_config(dir);
  c.training.threads = 1;
  c.training.batch_tokens = 800;
  c.training.validate_every = 1000;
  c.decoding.max_length_b = 4;
  nmt::data::write_file_atomically(dir + "/config.yaml", nmt::to_yaml(c));
  const auto r = nmt::test::run("NMT_BIN=" + std::string(NMT_BINARY_DIR) + " " +
                                    nmt::test::source_path("scripts/fault_injection.sh") + " --kills 3 --save-every 5" +
                                    " --max-seconds 4 --config " + dir + "/config.yaml --work " + dir + "/work",
                                "fault-injection");
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto summary = nlohmann::json::parse(r.out);
  CHECK(summary.at("kills") == 3);
  // The first run starts fresh, and so does a run after a kill that left no
  // checkpoint; every other run resumed (the last one to the end).
  CHECK(summary.at("resumes_survived").get<int>() == 3 - summary.at("killed_before_the_first_checkpoint").get<int>());
  CHECK(summary.at("steps_lost_max").get<int>() <= 5);
  CHECK(summary.at("test_bleu").is_number());
}
