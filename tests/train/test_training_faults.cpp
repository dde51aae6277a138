// What goes wrong during training is an error that names its cause, and
// never costs the user the files they had: a diverging loss, a full disk, a
// corpus replaced under a run.
#include <catch2/catch.hpp>

#include "data/text_file.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;
using nmt::test::read_file;
using nmt::test::run;
using nmt::test::tool;

namespace {

// A tiny GRU trained for 6 steps (validated and saved at step 6); returns its config file.
std::string trained_for_6_steps(const std::string& name) {
  const auto dir = nmt::test::scratch_dir(name).string();
  auto c = nmt::test::tiny_config(dir);
  c.training.threads = 1;
  c.training.batch_tokens = 800;
  c.training.max_steps = 6;
  c.training.validate_every = 6;
  c.training.log_every = 3;
  c.decoding.max_length_b = 4;
  const auto config = dir + "/config.yaml";
  nmt::data::write_file_atomically(config, nmt::to_yaml(c));
  const auto r = run(tool("nmt-train") + " --config " + config, name + "-first");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return config;
}

std::string model_dir_of(const std::string& config) { return config.substr(0, config.rfind('/')) + "/model"; }

}  // namespace

TEST_CASE("a non-finite loss stops the run and leaves the saved files as they were", "[faults]") {
  const auto config = trained_for_6_steps("fault-nan");
  const auto dir = model_dir_of(config);
  // Poison one weight of the checkpoint: the next step's loss is NaN.
  {
    auto loaded = nmt::test::load_checkpoint_for(nmt::load_config(config), dir + "/checkpoint.pt");
    torch::NoGradGuard no_grad;
    loaded.model->parameters().front().view(-1)[0] = std::nan("");
    nmt::save_checkpoint(dir + "/checkpoint.pt", *loaded.model, *loaded.optimizer, loaded.state);
  }
  const auto best = read_file(dir + "/best.pt"), checkpoint = read_file(dir + "/checkpoint.pt");
  const auto r = run(tool("nmt-train") + " --config " + config + " --resume --set training.max_steps=12", "fault-nan");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("training diverged: non-finite loss at step 7") && Contains("untouched"));
  CHECK(read_file(dir + "/best.pt") == best);
  CHECK(read_file(dir + "/checkpoint.pt") == checkpoint);
}

TEST_CASE("a full disk while saving is an error naming the file, and the saved files stay intact", "[faults]") {
  const auto config = trained_for_6_steps("fault-disk-full");
  const auto dir = model_dir_of(config);
  const auto best = read_file(dir + "/best.pt"), checkpoint = read_file(dir + "/checkpoint.pt");
  REQUIRE(checkpoint.size() > 300 * 1024);  // the tokenizer and best.pt fit under the limit, the checkpoint not
  // The file size limit makes every write past 300 KiB fail as a full disk
  // would (EFBIG; SIGXFSZ is ignored so the write returns the error).
  const auto r = run("bash -c \"trap '' XFSZ; ulimit -f 300; exec " + tool("nmt-train") + " --config " + config +
                         " --resume --set training.max_steps=12\"",
                     "fault-disk-full");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains(dir + "/checkpoint.pt: cannot write (File too large; disk full?)") &&
                        Contains("previous version of the file is kept"));
  CHECK(read_file(dir + "/best.pt") == best);
  CHECK(read_file(dir + "/checkpoint.pt") == checkpoint);
  CHECK_FALSE(nmt::data::file_exists(dir + "/checkpoint.pt.tmp"));
  CHECK_FALSE(nmt::data::file_exists(dir + "/best.pt.tmp"));
  // The run can go on from there once there is room.
  const auto resumed = run(tool("nmt-train") + " --config " + config + " --resume --set training.max_steps=8", "fault-disk-full-2");
  INFO(resumed.err);
  CHECK(resumed.status == 0);
}

TEST_CASE("resuming after the corpus was replaced is an error, not a silent skip", "[faults]") {
  const auto config = trained_for_6_steps("fault-corpus");
  const auto data_dir = config.substr(0, config.rfind('/'));
  for (const char* side : {"/train.de", "/train.en"}) {
    auto lines = nmt::data::read_lines(data_dir + side);
    lines.resize(lines.size() - 100);
    nmt::data::write_lines_atomically(data_dir + side, lines);
  }
  const auto r = run(tool("nmt-train") + " --config " + config + " --resume --set training.max_steps=12", "fault-corpus");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("checkpoint.pt: the training data changed since this checkpoint was written") &&
                        Contains("1000 training pairs then, 900 now"));
}
