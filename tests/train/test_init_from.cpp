// Fine-tuning (nmt-train --init-from DIR): the run starts from DIR's weights
// and tokenizer with a fresh optimizer, schedule, step counter, best score
// and data position; a network or vocabulary that differs is refused by name.
#include <catch2/catch.hpp>

#include <regex>

#include "data/text_file.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

nmt::Config init_config(const std::string& dir, const std::string& model_dir) {
  auto c = nmt::test::tiny_config(dir);
  c.training.threads = 1;
  c.training.batch_tokens = 800;
  c.training.learning_rate = 0.003;
  c.training.log_every = 1;
  c.training.validate_every = 1000;
  c.decoding.max_length_b = 4;
  c.training.model_dir = model_dir;
  return c;
}

nmt::test::CommandResult train(const nmt::Config& c, const std::string& extra, const std::string& name) {
  const auto config = c.training.model_dir + ".yaml";
  nmt::data::write_file_atomically(config, nmt::to_yaml(c));
  return run(tool("nmt-train") + " --config " + config + " " + extra, name);
}

double loss_at(const std::string& log, int step) {
  std::smatch m;
  const std::regex line("step " + std::to_string(step) + R"( \| loss ([0-9.]+))");
  REQUIRE(std::regex_search(log, m, line));
  return std::stod(m[1]);
}

}  // namespace

TEST_CASE("fine-tuning with --init-from starts from the model's weights with everything else fresh", "[init_from]") {
  const auto dir = nmt::test::scratch_dir("init-from").string();
  const auto base = init_config(dir, dir + "/base");
  auto c = base;
  c.training.max_steps = 40;
  const auto first = train(c, "", "init-from-base");
  INFO(first.err);
  REQUIRE(first.status == 0);

  auto tuned = init_config(dir, dir + "/tuned");
  tuned.tokenizer.prefix = dir + "/tuned-spm";  // nothing there yet: the model's tokenizer is copied
  tuned.training.max_steps = 5;
  tuned.model.dropout = 0.2;                     // may change
  const auto second = train(tuned, "--init-from " + dir + "/base", "init-from-tuned");
  INFO(second.err);
  REQUIRE(second.status == 0);
  CHECK_THAT(second.err, Contains("initialized from " + dir + "/base/best.pt"));
  CHECK(nmt::test::read_file(dir + "/tuned-spm.model") == nmt::test::read_file(dir + "/base/spm.model"));
  // Trained weights: its first step's loss is far below a fresh model's.
  CHECK(loss_at(second.err, 1) < 0.8 * loss_at(first.err, 1));
  // Fresh counters: steps 1..5 and the step-1 learning rate of its own schedule.
  const auto state = nmt::test::load_checkpoint_for(tuned, dir + "/tuned/checkpoint.pt").state;
  CHECK(state.step == 5);
  CHECK(state.epoch == 1);
  CHECK(state.best_step == 5);
}

TEST_CASE("fine-tuning with --init-from refuses another network, another vocabulary and --resume", "[init_from]") {
  const auto dir = nmt::test::scratch_dir("init-from-refused").string();
  auto c = init_config(dir, dir + "/base");
  c.training.max_steps = 2;
  REQUIRE(train(c, "", "init-from-refused-base").status == 0);

  auto wider = init_config(dir, dir + "/wider");
  wider.model.hidden_dim = 48;
  const auto shape = train(wider, "--init-from " + dir + "/base", "init-from-wider");
  CHECK(shape.status != 0);
  CHECK_THAT(shape.err, Contains("model.hidden_dim is 32 in " + dir + "/base/config.yaml but 48"));

  auto other_vocab = init_config(dir, dir + "/other-vocab");
  other_vocab.tokenizer.prefix = dir + "/other-spm";
  other_vocab.tokenizer.vocab_size = 170;
  auto prepare_other = other_vocab;
  prepare_other.training.max_steps = 1;
  prepare_other.training.model_dir = dir + "/other-base";
  REQUIRE(train(prepare_other, "", "init-from-other-base").status == 0);  // trains other-spm.model
  const auto vocab = train(other_vocab, "--init-from " + dir + "/base", "init-from-other-vocab");
  CHECK(vocab.status != 0);
  CHECK_THAT(vocab.err, Contains(dir + "/other-spm.model") && Contains(dir + "/base/spm.model"));

  const auto both = train(c, "--resume --init-from " + dir + "/base", "init-from-resume");
  CHECK(both.status != 0);
  CHECK_THAT(both.err, Contains("--init-from") && Contains("--resume"));
}
