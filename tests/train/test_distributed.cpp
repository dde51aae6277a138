// Data-parallel training with real processes on loopback: 2 ranks make the
// same update as 1 process accumulating 2 batches; a lost rank stops the
// other with its name; a run resumes on another number of ranks.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/decode/model_dir.h"
#include "data/text_file.h"
#include "helpers.h"
#include "tiny_model.h"
#include "train/distributed_helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;
using nmt::test::free_port;
using nmt::test::write_config;
using nmt::test::relative_difference;

namespace {

// Both ranks in the background of one shell; the command's status is rank 0's.
std::string two_ranks(const std::string& args, int port) {
  const auto env = [&](int rank) {
    return "RANK=" + std::to_string(rank) + " WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " ";
  };
  return "(" + env(1) + "timeout 300 " + tool("nmt-train") + " " + args + " 2>/dev/null &) ; " + env(0) +
         "timeout 300 " + tool("nmt-train") + " " + args;
}

// The two model directories' checkpoints hold the same weights, bit for bit
// (best.pt may be an earlier validation's).
void check_same_final_weights(const std::string& a_dir, const std::string& b_dir) {
  auto a = nmt::load_model_dir(a_dir, "cpu"), b = nmt::load_model_dir(b_dir, "cpu");
  nmt::load_weights(*a.model, a_dir + "/checkpoint.pt");
  nmt::load_weights(*b.model, b_dir + "/checkpoint.pt");
  const auto pb = b.model->named_parameters();
  for (const auto& p : a.model->named_parameters()) {
    INFO(p.key());
    CHECK(torch::equal(p.value(), pb[p.key()]));
  }
}

}  // namespace

TEST_CASE("2 ranks make the update of 1 process accumulating 2 batches", "[distributed]") {
  for (const std::string type : {"gru", "transformer"}) {
    DYNAMIC_SECTION(type) {
      const auto dir = nmt::test::scratch_dir("dist-" + type).string();
      const auto config = write_config(dir, type);
      const auto one = run(tool("nmt-train") + " --config " + config + " --model-dir " + dir +
                               "/one --set training.accumulate_gradients=2", "dist-one-" + type);
      INFO(one.err);
      REQUIRE(one.status == 0);
      const auto two = run(two_ranks("--config " + config + " --model-dir " + dir + "/two", free_port()),
                           "dist-two-" + type);
      INFO(two.err);
      REQUIRE(two.status == 0);
      CHECK_THAT(two.err, Contains("distributed: 2 ranks") && Contains("backend gloo") && Contains("all-reduce") &&
                           Contains("of them waiting for a slower rank"));
      const double difference = relative_difference(dir + "/one", dir + "/two");
      INFO("largest relative difference " << difference);
      CHECK(difference < 1e-5);
      // Not trivially equal: 6 updates moved the weights away from the start.
      CHECK(nmt::data::read_lines(dir + "/two/metrics.jsonl").size() == 1);
    }
  }
}

TEST_CASE("gradients all-reduced in buckets during the backward pass give the weights of one all-reduce after it", "[distributed]") {
  for (const std::string type : {"gru", "transformer"}) {
    for (const bool tied : {true, false}) {
      DYNAMIC_SECTION(type << (tied ? " tied" : " untied")) {
        const auto name = "dist-buckets-" + type + (tied ? "-tied" : "-untied");
        const auto dir = nmt::test::scratch_dir(name).string();
        const auto config = write_config(dir, type);
        // Accumulating 2 batches per rank: only the last backward pass's gradients are final.
        const auto args = [&](const std::string& model, const std::string& extra) {
          return "--config " + config + " --model-dir " + dir + model +
                 " --set training.accumulate_gradients=2 model.tie_embeddings=" + (tied ? "true" : "false") + extra;
        };
        const auto one = run(two_ranks(args("/one", ""), free_port()), name + "-one");
        INFO(one.err);
        REQUIRE(one.status == 0);
        // 0.002 MB: many buckets, several launched while the backward pass still runs.
        const auto buckets = run(two_ranks(args("/buckets", " training.gradient_buckets_mb=0.002"), free_port()),
                                 name + "-many");
        INFO(buckets.err);
        REQUIRE(buckets.status == 0);
        CHECK_THAT(buckets.err, Contains("buckets of up to 0.002 MB") && Contains("during the backward pass"));
        CHECK_THAT(buckets.err, !Contains("(0.0 during"));  // the hooks launched them, not the wait after
        if (tied) {
          // The tied embedding's two parts are summed apart: the same sum in another order.
          CHECK_THAT(buckets.err, Contains("the output layer's part first") && Contains("of the embedding's rows"));
          const double difference = relative_difference(dir + "/one", dir + "/buckets");
          INFO("largest relative difference " << difference);
          CHECK(difference < 1e-5);
        } else {
          CHECK_THAT(buckets.err, !Contains("the output layer's part first"));
          check_same_final_weights(dir + "/one", dir + "/buckets");
        }
      }
    }
  }
}

TEST_CASE("a killed rank makes the other stop with an error naming it", "[distributed]") {
  const auto dir = nmt::test::scratch_dir("dist-kill").string();
  const auto config = write_config(dir, "gru");
  const int port = free_port();
  const auto env = [&](int rank) {
    return "RANK=" + std::to_string(rank) + " WORLD_SIZE=2 MASTER_PORT=" + std::to_string(port) + " ";
  };
  const auto args = " --config " + config + " --model-dir " + dir + "/model --set training.max_steps=1000000";
  // Rank 1 runs for a few seconds under `timeout -s KILL`: a SIGKILL mid-run.
  const auto killed = run("(" + env(1) + "timeout -s KILL 8 " + tool("nmt-train") + args + " 2>/dev/null &) ; " +
                              env(0) + "timeout 120 " + tool("nmt-train") + args,
                          "dist-kill");
  CHECK(killed.status != 0);
  CHECK(killed.status != 124);  // not the test's own timeout: the rank stopped by itself
  CHECK_THAT(killed.err, Contains("lost rank 1"));
}

TEST_CASE("a run resumes on another number of ranks", "[distributed]") {
  const auto dir = nmt::test::scratch_dir("dist-resume").string();
  const auto config = write_config(dir, "gru");
  const auto model = dir + "/model";
  const auto first = run(tool("nmt-train") + " --config " + config + " --model-dir " + model + " --set training.max_steps=4",
                         "dist-resume-1");
  INFO(first.err);
  REQUIRE(first.status == 0);
  const auto second = run(tool("nmt-train") + " --config " + config + " --model-dir " + model +
                              " --resume --nproc 2 --set training.max_steps=8",
                          "dist-resume-2");
  INFO(second.err);
  REQUIRE(second.status == 0);
  CHECK_THAT(second.err, Contains("--nproc 2: starting 2 ranks") && Contains("resumed from") && Contains("step 4"));
  const auto metrics = nmt::data::read_lines(model + "/metrics.jsonl");
  CHECK(nlohmann::json::parse(metrics.back()).at("step").get<int>() == 8);
}

TEST_CASE("a 2-rank run resumed from its checkpoint ends with the weights of an uninterrupted one", "[distributed]") {
  const auto dir = nmt::test::scratch_dir("dist-exact-resume").string();
  const auto config = write_config(dir, "transformer");
  // With dropout each rank draws its own masks: their random states must survive the stop.
  const auto args = "--config " + config + " --set model.dropout=0.2 training.save_every=3 --model-dir ";
  const auto whole = run(two_ranks(args + dir + "/whole", free_port()), "dist-exact-whole");
  INFO(whole.err);
  REQUIRE(whole.status == 0);
  const auto first = run(two_ranks(args + dir + "/parts --set training.max_steps=3", free_port()), "dist-exact-1");
  INFO(first.err);
  REQUIRE(first.status == 0);
  const auto second = run(two_ranks(args + dir + "/parts --resume", free_port()), "dist-exact-2");
  INFO(second.err);
  REQUIRE(second.status == 0);
  CHECK_THAT(second.err, Contains("resumed from") && Contains("step 3"));
  check_same_final_weights(dir + "/whole", dir + "/parts");
}

TEST_CASE("nmt-train --resume auto starts without a checkpoint and continues with one", "[distributed]") {
  const auto dir = nmt::test::scratch_dir("dist-resume-auto").string();
  const auto config = write_config(dir, "gru");
  const auto train = tool("nmt-train") + " --config " + config + " --model-dir " + dir + "/model --resume auto";
  const auto first = run(train + " --set training.max_steps=2", "dist-resume-auto-1");
  INFO(first.err);
  REQUIRE(first.status == 0);
  CHECK_THAT(first.err, Contains("--resume auto: no " + dir + "/model/checkpoint.pt yet: starting"));
  const auto second = run(train + " --set training.max_steps=4", "dist-resume-auto-2");
  INFO(second.err);
  REQUIRE(second.status == 0);
  CHECK_THAT(second.err, Contains("continuing it") && Contains("resumed from") && Contains("step 2"));
  const auto bad = run(tool("nmt-train") + " --config " + config + " --resume sometimes", "dist-resume-auto-bad");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.err, Contains("sometimes"));
}

TEST_CASE("torchrun's environment is checked", "[distributed]") {
  const auto dir = nmt::test::scratch_dir("dist-env").string();
  const auto config = write_config(dir, "gru");
  auto r = run("RANK=0 " + tool("nmt-train") + " --config " + config + " --model-dir " + dir + "/m", "dist-env-1");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("RANK is set but WORLD_SIZE is not"));
  r = run("RANK=2 WORLD_SIZE=2 " + tool("nmt-train") + " --config " + config + " --model-dir " + dir + "/m", "dist-env-2");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains("RANK='2'") && Contains("[0, 1]"));
}

TEST_CASE("torchrun starts the ranks", "[distributed]") {
  if (run("command -v torchrun", "which-torchrun").status != 0) {
    WARN("SKIPPED: torchrun is not installed (Debian: python3-torch)");
    return;
  }
  const auto dir = nmt::test::scratch_dir("dist-torchrun").string();
  const auto config = write_config(dir, "gru");
  // --redirects/--tee: Debian's torchrun 1.13 under Python 3.11 fails on their default "0".
  const auto r = run("timeout 300 torchrun --redirects 2 --tee 2 --nproc_per_node 2 --master_port " +
                         std::to_string(free_port()) + " --no_python " + tool("nmt-train") + " --config " + config +
                         " --model-dir " + dir + "/model",
                     "dist-torchrun");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.err, Contains("distributed: 2 ranks"));
  CHECK(nmt::data::file_exists(dir + "/model/best.pt"));
}

TEST_CASE("a rank lost under torchrun --max_restarts is followed by a resumed run that finishes", "[distributed]") {
  if (run("command -v torchrun", "which-torchrun").status != 0) {
    WARN("SKIPPED: torchrun is not installed (Debian: python3-torch)");
    return;
  }
  const auto dir = nmt::test::scratch_dir("dist-restart").string();
  const auto config = write_config(dir, "gru");
  const auto model = dir + "/model";
  // In torchrun's first attempt rank 1 is killed (SIGKILL) once the first
  // checkpoint exists; the agent then starts both ranks again.
  nmt::test::write_file(dir + "/rank.sh",
                        "#!/bin/sh\n"
                        "if [ \"$RANK\" = 1 ] && [ \"$TORCHELASTIC_RESTART_COUNT\" = 0 ]; then\n"
                        "  " + tool("nmt-train") + " \"$@\" & pid=$!\n"
                        "  while [ ! -f " + model + "/checkpoint.pt ]; do sleep 0.05; done\n"
                        "  kill -9 $pid; wait $pid; exit 137\n"
                        "fi\n"
                        "exec " + tool("nmt-train") + " \"$@\"\n");
  std::filesystem::permissions(dir + "/rank.sh", std::filesystem::perms::owner_all, std::filesystem::perm_options::add);
  const auto r = run("timeout 300 torchrun --redirects 2 --tee 2 --nproc_per_node 2 --max_restarts 1 --master_port " +
                         std::to_string(free_port()) + " --no_python " + dir + "/rank.sh --config " + config +
                         " --model-dir " + model + " --resume auto --set training.max_steps=300 training.save_every=2",
                     "dist-restart");
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.err, Contains("no " + model + "/checkpoint.pt yet: starting") && Contains("continuing it") &&
                        Contains("resumed from"));
  const auto metrics = nmt::data::read_lines(model + "/metrics.jsonl");
  REQUIRE_FALSE(metrics.empty());
  CHECK(nlohmann::json::parse(metrics.back()).at("step").get<int>() == 300);
}
