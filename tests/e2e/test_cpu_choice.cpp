// The tools on the CPUs users have: `precision: auto` follows the
// instructions oneDNN may use (ONEDNN_MAX_CPU_ISA lowers them, as an AVX2-only
// CPU has them), bf16 asked for on such a CPU runs with a warning instead of
// failing, and every tool says what it is (--version).
#include <catch2/catch.hpp>

#include "helpers.h"
#include "models/cpu_features.h"
#include "models/precision.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

// What an AVX2-only CPU (no AVX-512, no native bf16, no VNNI) lets oneDNN and ATen use.
const std::string kAvx2 = "ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell ";

}  // namespace

TEST_CASE("every tool answers --version with its version, commit, LibTorch and CPU", "[cli][version]") {
  for (const char* name : {"nmt-prepare", "nmt-train", "nmt-translate", "nmt-evaluate", "nmt-average", "nmt-export",
                           "nmt-serve", "nmt-benchmark"}) {
    INFO(name);
    const auto r = run(tool(name) + " --version", "version");
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains(std::string(name) + " ") && Contains("(commit ") && Contains("LibTorch 1.") &&
                          Contains("CPU: ") && Contains("oneDNN ISA ") && Contains("precision auto: "));
  }
}

TEST_CASE("precision auto is bf16 only where the CPU multiplies bf16 natively", "[precision][cpu]") {
  const auto& cpu = nmt::models::cpu_features();
  CHECK(nmt::models::parse_precision("auto") ==
        (cpu.native_bf16 ? nmt::models::Precision::bf16 : nmt::models::Precision::fp32));
  CHECK(cpu.native_bf16 == (cpu.isa == "avx512_core_bf16" || cpu.isa == "avx512_core_amx"));
  // fastest: int8 where oneDNN multiplies int8 with VNNI or AMX, else auto's choice.
  CHECK(nmt::models::parse_precision("fastest") ==
        (cpu.vnni ? nmt::models::Precision::int8 : nmt::models::parse_precision("auto")));

  // Held to AVX2, the same tool chooses fp32, whatever this machine has.
  const auto avx2 = run(kAvx2 + tool("nmt-translate") + " --version", "version-avx2");
  REQUIRE(avx2.status == 0);
  CHECK_THAT(avx2.out, Contains("oneDNN ISA avx2 (AVX512-BF16 no, AMX no, VNNI no)") &&
                           Contains("precision auto: fp32, fastest: fp32"));
  const auto native = run(tool("nmt-translate") + " --version", "version-native");
  CHECK_THAT(native.out, Contains(std::string("precision auto: ") + (cpu.native_bf16 ? "bf16" : "fp32")));
}

TEST_CASE("on an AVX2-only CPU, auto trains in fp32 and explicit bf16 runs with a warning", "[precision][cpu][e2e]") {
  const auto dir = nmt::test::scratch_dir("cpu-avx2").string();
  const auto config = dir + "/config.yaml";
  nmt::test::write_file(config, "data:\n  train: " + dir + "/train\n  valid: " + dir + "/valid\n  test: " + dir +
                                    "/test\n  generate: true\n  generate_train: 2000\n  generate_valid: 20\n"
                                    "  generate_test: 20\ntokenizer:\n  prefix: " + dir + "/spm\n  vocab_size: 200\n"
                                    "model:\n  embedding_dim: 32\n  hidden_dim: 32\n"
                                    "training:\n  model_dir: " + dir + "/model\n  batch_tokens: 500\n"
                                    "  max_steps: 4\n  validate_every: 4\n  log_every: 2\n");
  const auto automatic = run(kAvx2 + tool("nmt-train") + " --config " + config, "avx2-auto");
  INFO(automatic.err);
  REQUIRE(automatic.status == 0);
  CHECK_THAT(automatic.err, Contains("training.precision: auto -> fp32") && Contains("oneDNN ISA avx2"));

  // bf16 where oneDNN has no bf16 product: LibTorch's own kernels, and a warning.
  const auto bf16 = run(kAvx2 + tool("nmt-train") + " --config " + config + " --model-dir " + dir +
                            "/model-bf16 --set training.precision=bf16 --set decoding.precision=bf16",
                        "avx2-bf16");
  INFO(bf16.err);
  REQUIRE(bf16.status == 0);
  CHECK_THAT(bf16.err, Contains("emulated and slower"));
  const auto translated = run("echo 'Sieben Hunde .' | " + kAvx2 + tool("nmt-translate") + " --model " + dir +
                                  "/model-bf16 --set decoding.precision=bf16",
                              "avx2-translate");
  INFO(translated.err);
  CHECK(translated.status == 0);
  CHECK_THAT(translated.err, Contains("emulated and slower"));
  CHECK(!translated.out.empty());
}
