#include <catch2/catch.hpp>

#include <filesystem>

#include "app/config/config.h"
#include "common/error.h"
#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::scratch_dir;
using nmt::test::write_file;

namespace {
std::string write_config(const std::string& name, const std::string& yaml) {
  auto path = scratch_dir("config-" + name) / "config.yaml";
  write_file(path, yaml);
  return path.string();
}
}  // namespace

TEST_CASE("the shipped configs load and validate", "[config]") {
  int shipped = 0;
  for (const auto& entry : std::filesystem::directory_iterator(nmt::test::source_path("configs"))) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path());
    const auto config = nmt::load_config(entry.path().string());
    REQUIRE_NOTHROW(nmt::validate_for_training(config));
    ++shipped;
  }
  CHECK(shipped >= 7);
}

TEST_CASE("the linear schedule needs a budget to decay to", "[config]") {
  auto config = nmt::load_config(nmt::test::source_path("configs/multi30k_transformer.yaml"));
  config.training.scheduler = "linear";
  config.training.time_budget_minutes = 0, config.training.max_steps = 0;
  REQUIRE_THROWS_WITH(nmt::validate_for_training(config),
                      Contains("training.scheduler linear") && Contains("training.max_steps"));
  config.training.max_steps = 100;
  CHECK_NOTHROW(nmt::validate_for_training(config));
  config.training.max_steps = 0, config.training.time_budget_minutes = 1;
  CHECK_NOTHROW(nmt::validate_for_training(config));
}

TEST_CASE("config values are read into typed fields, defaults kept", "[config]") {
  const auto path = write_config("values", "training:\n  learning_rate: 3e-4\n  batch_tokens: 2500\n"
                                           "model:\n  bidirectional: false\n  type: transformer\n");
  const auto c = nmt::load_config(path);
  CHECK(c.training.learning_rate == Approx(3e-4));
  CHECK(c.training.batch_tokens == 2500);
  CHECK_FALSE(c.model.bidirectional);
  CHECK(c.model.type == "transformer");
  CHECK(c.training.clip_norm == Approx(1.0));  // default
}

TEST_CASE("an unknown key names file, line, key and the closest valid key", "[config]") {
  const auto path = write_config("typo", "data:\n  src_lang: de\ntraining:\n  lerning_rate: 0.1\n");
  REQUIRE_THROWS_WITH(nmt::load_config(path),
                      Contains(path + ":4:3") && Contains("unknown key 'training.lerning_rate'") &&
                          Contains("did you mean 'learning_rate'"));
}

TEST_CASE("an unknown section is an error with a suggestion", "[config]") {
  const auto path = write_config("section", "trainig:\n  seed: 1\n");
  REQUIRE_THROWS_WITH(nmt::load_config(path), Contains(path + ":1:1") &&
                                                  Contains("unknown section 'trainig'") &&
                                                  Contains("did you mean 'training'"));
}

TEST_CASE("a wrong type says what was expected and where", "[config]") {
  const auto path = write_config("type", "training:\n  batch_tokens: lots\n");
  REQUIRE_THROWS_WITH(nmt::load_config(path),
                      Contains(path + ":2:17") && Contains("training.batch_tokens") &&
                          Contains("expected an integer") && Contains("got 'lots'"));
  const auto list = write_config("list", "model:\n  dropout: [0.1, 0.2]\n");
  REQUIRE_THROWS_WITH(nmt::load_config(list), Contains("model.dropout") && Contains("single value"));
}

TEST_CASE("an out-of-range value is rejected", "[config]") {
  const auto path = write_config("range", "model:\n  dropout: 1.5\n");
  REQUIRE_THROWS_WITH(nmt::load_config(path), Contains(path + ":2:12") &&
                                                  Contains("model.dropout") &&
                                                  Contains("a number in [0, 0.95]"));
  const auto lr = write_config("lr", "training:\n  learning_rate: 0\n");
  REQUIRE_THROWS_WITH(nmt::load_config(lr), Contains("(0, 10]"));
  const auto choice = write_config("choice", "training:\n  scheduler: cosine\n");
  REQUIRE_THROWS_WITH(nmt::load_config(choice), Contains("one of 'constant' 'noam' 'plateau'"));
}

TEST_CASE("invalid YAML names file and line", "[config]") {
  const auto path = write_config("yaml", "training:\n  seed: 1\n   bad: [\n");
  REQUIRE_THROWS_WITH(nmt::load_config(path), Contains(path + ":") && Contains("invalid YAML"));
  REQUIRE_THROWS_WITH(nmt::load_config("/nonexistent/config.yaml"),
                      Contains("cannot read config file '/nonexistent/config.yaml'"));
}

TEST_CASE("a list or map used as a key is an error, not a crash (found by fuzzing)", "[config]") {
  const auto section = write_config("list-key", "? [training, model]\n: {seed: 1}\n");
  REQUIRE_THROWS_WITH(nmt::load_config(section), Contains(section + ":1:3") && Contains("expected a plain name as key"));
  const auto key = write_config("map-key", "training:\n  ? {seed: 1}\n  : 2\n");
  REQUIRE_THROWS_WITH(nmt::load_config(key), Contains(key + ":2:") && Contains("expected a plain name as key"));
  const auto null_key = write_config("null-key", "training:\n  ~: 2\n");
  REQUIRE_THROWS_WITH(nmt::load_config(null_key), Contains("expected a plain name as key"));
}

TEST_CASE("command-line overrides (--set) go through the same checks", "[config]") {
  nmt::Config c;
  nmt::apply_overrides(c, {"training.learning_rate=5e-4", "data.src_lang=fr"});
  CHECK(c.training.learning_rate == Approx(5e-4));
  CHECK(c.data.src_lang == "fr");
  REQUIRE_THROWS_WITH(nmt::apply_overrides(c, {"training.lr=1"}),
                      Contains("--set training.lr=1") && Contains("unknown key 'training.lr'"));
  REQUIRE_THROWS_WITH(nmt::apply_overrides(c, {"training.seed=-3"}),
                      Contains("training.seed") && Contains("expected an integer in [0,"));
  REQUIRE_THROWS_WITH(nmt::apply_overrides(c, {"training.seed"}), Contains("section.key=value"));
}

TEST_CASE("the resolved config reloads to the same values", "[config]") {
  nmt::Config c;
  nmt::apply_overrides(c, {"training.learning_rate=0.00025", "data.train=a b/c", "model.pre_norm=true"});
  const auto path = write_config("roundtrip", nmt::to_yaml(c));
  const auto back = nmt::load_config(path);
  CHECK(nmt::to_yaml(back) == nmt::to_yaml(c));
  CHECK(back.data.train == "a b/c");
  CHECK(back.model.pre_norm);
}
