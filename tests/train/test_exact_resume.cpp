// A run stopped and resumed continues exactly as one never stopped: the same
// losses at every later step and bit-identical weights (CPU, same threads),
// whether it stopped at max_steps or was killed with SIGKILL after a checkpoint,
// with subword sampling too.
#include <catch2/catch.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <thread>

#include "data/text_file.h"
#include "tiny_model.h"

using nmt::test::run;
using nmt::test::tool;

namespace {

constexpr int kSteps = 30;

// A tiny model whose run crosses an epoch boundary, uses dropout, and has a
// plateau schedule that validation moves; `averaged`: validated on a
// parameter average (training.ema_decay), keeping the last two validations' weights;
// `sampled`: subword sampling, each batch sampled ahead on another thread.
nmt::Config resume_config(const std::string& dir, const std::string& type, bool averaged, bool sampled) {
  auto c = nmt::test::tiny_config(dir, type);
  c.training.threads = 1;
  c.training.batch_tokens = 800;
  c.training.learning_rate = 0.003;
  c.training.scheduler = "plateau";
  c.training.decay_patience = 1;
  c.training.log_every = 1;
  c.training.validate_every = 10;
  c.training.max_steps = kSteps;
  c.decoding.max_length_b = 4;
  if (sampled) c.tokenizer.sampling_nbest = 8;
  if (averaged) {
    c.training.ema_decay = 0.9;
    c.training.keep_last_weights = 2;
  }
  return c;
}

std::string train(const nmt::Config& c, const std::string& model_dir, const std::string& extra, const std::string& name) {
  const auto config = model_dir + ".yaml";
  auto copy = c;
  copy.training.model_dir = model_dir;
  nmt::data::write_file_atomically(config, nmt::to_yaml(copy));
  const auto r = run(tool("nmt-train") + " --config " + config + " " + extra, name);
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.err;
}

// "step N | loss X" of every logged step, from a model directory's train.log (all its runs).
std::map<int, std::string> losses(const std::string& model_dir) {
  std::map<int, std::string> out;
  if (!nmt::data::file_exists(model_dir + "/train.log")) return out;
  const std::regex line(R"(step (\d+) \| loss ([0-9.]+))");
  for (const auto& l : nmt::data::read_lines(model_dir + "/train.log")) {
    std::smatch m;
    if (std::regex_search(l, m, line)) out[std::stoi(m[1])] = m[2];
  }
  return out;
}

// The final weights and Adam state, bit for bit.
void check_same_checkpoint(const nmt::Config& c, const std::string& a, const std::string& b) {
  const auto la = nmt::test::load_checkpoint_for(c, a + "/checkpoint.pt");
  const auto lb = nmt::test::load_checkpoint_for(c, b + "/checkpoint.pt");
  CHECK(la.state.step == lb.state.step);
  CHECK(la.state.epoch == lb.state.epoch);
  CHECK(la.state.batch_in_epoch == lb.state.batch_in_epoch);
  CHECK(la.state.schedule.scale == lb.state.schedule.scale);
  const auto pb = lb.model->named_parameters();
  int differing = 0;
  for (const auto& p : la.model->named_parameters()) differing += !torch::equal(p.value(), pb[p.key()]);
  CHECK(differing == 0);
  REQUIRE((la.average == nullptr) == (lb.average == nullptr));
  if (la.average) {
    int averages_differing = 0;
    for (std::size_t i = 0; i < la.average->values().size(); ++i)
      averages_differing += !torch::equal(la.average->values()[i], lb.average->values()[i]);
    CHECK(averages_differing == 0);
  }
}

void check_exact_resume(const std::string& type, bool averaged, bool sampled) {
  const auto dir = nmt::test::scratch_dir("exact-resume-" + type).string();
  const auto c = resume_config(dir, type, averaged, sampled);
  const auto whole = dir + "/whole", stopped = dir + "/stopped", killed = dir + "/killed";

  train(c, whole, "", "resume-whole");
  REQUIRE(losses(whole).size() == kSteps);
  CHECK(losses(whole).at(1) != losses(whole).at(kSteps));  // it learns
  if (averaged) {  // the last two validations' weights (of steps 10, 20 and 30), averaged ones
    const nmt::ModelDir whole_dir{whole};
    CHECK(whole_dir.kept_weights() == std::vector<std::string>{whole_dir.kept_weights(20), whole_dir.kept_weights(30)});
    const auto last = nmt::test::load_checkpoint_for(c, whole + "/checkpoint.pt");
    auto kept = nmt::build_model_for(c, nmt::prepare_data(c).tokenizers);
    nmt::load_weights(*kept, whole_dir.kept_weights(30));
    const auto kept_params = kept->parameters();
    int equal_to_average = 0, equal_to_raw = 0;
    for (std::size_t i = 0; i < kept_params.size(); ++i) {
      equal_to_average += torch::equal(kept_params[i], last.average->values()[i]);
      equal_to_raw += torch::equal(kept_params[i], last.model->parameters()[i]);
    }
    CHECK(equal_to_average == static_cast<int>(kept_params.size()));
    CHECK(equal_to_raw < static_cast<int>(kept_params.size()));
  }

  {  // stopped at max_steps 13 (between validations, so the stop validates once more), then resumed
    train(c, stopped, "--set training.max_steps=13", "resume-stopped-1");
    const auto log = train(c, stopped, "--resume", "resume-stopped-2");
    CHECK_THAT(log, Catch::Matchers::Contains("resumed from") && Catch::Matchers::Contains("step 13"));
    CHECK(losses(stopped) == losses(whole));
    check_same_checkpoint(c, whole, stopped);
  }

  {  // killed with SIGKILL after a checkpoint (save_every 4), then resumed
    auto copy = c;
    copy.training.model_dir = killed;
    copy.training.save_every = 4;
    copy.training.max_steps = 100000;
    nmt::data::write_file_atomically(killed + ".yaml", nmt::to_yaml(copy));
    const pid_t pid = fork();
    if (pid == 0) {
      freopen("/dev/null", "w", stderr);
      const auto binary = tool("nmt-train");
      const auto config = killed + ".yaml";
      execl(binary.c_str(), binary.c_str(), "--config", config.c_str(), nullptr);
      _exit(127);
    }
    // Kill it once a save_every checkpoint is on disk (before step 30, so there is work left).
    for (int i = 0; i < 3000 && losses(killed).size() < 9; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    const auto at_kill = nmt::test::load_checkpoint_for(c, killed + "/checkpoint.pt").state;
    INFO("killed after the checkpoint of step " << at_kill.step);
    CHECK(at_kill.step >= 8);
    REQUIRE(at_kill.step < kSteps);
    const auto log = train(copy, killed, "--resume --set training.max_steps=30 --set training.save_every=0", "resume-killed");
    CHECK_THAT(log, Catch::Matchers::Contains("resumed from"));
    // The steps after the checkpoint were logged twice: both times as in the uninterrupted run.
    CHECK(losses(killed) == losses(whole));
    check_same_checkpoint(c, whole, killed);
  }
}

}  // namespace

TEST_CASE("an interrupted GRU run with a parameter average resumes exactly", "[resume]") {
  check_exact_resume("gru", /*averaged=*/true, /*sampled=*/false);
}

TEST_CASE("an interrupted Transformer run with subword sampling resumes exactly", "[resume]") {
  check_exact_resume("transformer", /*averaged=*/false, /*sampled=*/true);
}
