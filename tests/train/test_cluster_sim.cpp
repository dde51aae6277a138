// scripts/cluster_sim.sh: ranks in network namespaces joined by links of
// limited bandwidth, started by torchrun's multi-node variables. They make the
// update of one process accumulating their batches; a link cut ends the run
// with an error naming the lost rank, and the checkpoint stays readable.
// Needs root, iproute2 and torchrun; says SKIPPED without them.
#include <catch2/catch.hpp>

#include "app/decode/model_dir.h"
#include "data/tokenizers.h"
#include "helpers.h"
#include "train/distributed_helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

// Why the cluster cannot be simulated here, or "" when it can.
std::string cannot_simulate() {
  if (::geteuid() != 0) return "not root";
  for (const std::string tool : {"ip", "tc", "torchrun"})
    if (run("command -v " + tool, "which-" + tool).status != 0) return tool + " is not installed";
  const auto probe = "nmtprobe" + std::to_string(::getpid());
  if (run("ip netns add " + probe + " && ip netns del " + probe, "netns-probe").status != 0)
    return "network namespaces cannot be made here";
  return "";
}

std::string cluster_sim(const std::string& env, const std::string& args) {
  return env + " " + nmt::test::source_path("scripts/cluster_sim.sh") + " " + args;
}

}  // namespace

TEST_CASE("2 ranks in 2 namespaces over a 100 Mbit/s link make the update of 1 process accumulating 2 batches",
          "[distributed][cluster]") {
  if (const auto why = cannot_simulate(); !why.empty()) {
    WARN("SKIPPED: " + why);
    return;
  }
  const auto dir = nmt::test::scratch_dir("cluster-two").string();
  const auto config = nmt::test::write_config(dir, "transformer");
  const auto one = run(tool("nmt-train") + " --config " + config + " --model-dir " + dir +
                           "/one --set training.accumulate_gradients=2 training.threads=1", "cluster-one");
  INFO(one.err);
  REQUIRE(one.status == 0);
  for (const std::string buckets : {"0", "0.002"}) {
    INFO("gradient_buckets_mb " << buckets);
    const auto two = run(cluster_sim("NMT_CONFIG=" + config + " NMT_KEEP=" + dir + "/two-" + buckets +
                                         " NMT_SET=training.gradient_buckets_mb=" + buckets,
                                     "2 100mbit 6"),
                         "cluster-two");
    INFO(two.err);
    REQUIRE(two.status == 0);
    CHECK_THAT(two.out, Contains("2 machine(s) at 100mbit") && Contains("target tokens/s"));
    CHECK(nmt::test::relative_difference(dir + "/one", dir + "/two-" + buckets) < 1e-5);
  }
}

TEST_CASE("a cut link ends the run with an error naming the lost rank, and the checkpoint stays readable",
          "[distributed][cluster]") {
  if (const auto why = cannot_simulate(); !why.empty()) {
    WARN("SKIPPED: " + why);
    return;
  }
  const auto dir = nmt::test::scratch_dir("cluster-cut").string();
  const auto config = nmt::test::write_config(dir, "gru");
  const auto model = dir + "/model";
  const auto cut = run(cluster_sim("NMT_CONFIG=" + config + " NMT_KEEP=" + model + " NMT_CUT_LINK_AFTER=2 NMT_SET='" +
                                       "training.save_every=5 training.distributed_timeout_minutes=0.25'",
                                   "2 100mbit 100000000"),
                       "cluster-cut");
  INFO(cut.err);
  CHECK(cut.status != 0);
  CHECK_THAT(cut.err, Contains("link of rank 1 down") && Contains("lost rank 1"));
  // No validation ran (no best.pt yet): the network from the directory's config and tokenizer.
  const auto tokenizers = nmt::data::load_tokenizers(model + "/spm.model", model + "/spm.model");
  const auto network = nmt::build_model_for(nmt::load_config(model + "/config.yaml"), tokenizers);
  CHECK_NOTHROW(nmt::load_weights(*network, model + "/checkpoint.pt"));
}
