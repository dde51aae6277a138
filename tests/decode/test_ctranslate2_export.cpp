// python/nmt_ctranslate2: an nmt Transformer (post-norm and pre-norm) converted
// to CTranslate2 translates as nmt-translate does. Runs where the ctranslate2
// module is importable: pip's, or scripts/build_ctranslate2.sh's (PREFIX in
// NMT_CTRANSLATE2, default build/ctranslate2 of the checkout).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

#include "tiny_model.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

// PYTHONPATH=... for the converter, with the built module where there is one.
std::string python_env() {
  const char* prefix = std::getenv("NMT_CTRANSLATE2");
  const std::string built = (prefix ? std::string(prefix) : nmt::test::source_path("build/ctranslate2")) + "/python";
  return "PYTHONPATH=" + nmt::test::source_path("python") + ":" + built + " /usr/bin/python3 ";
}

bool ctranslate2_available() {
  return run(python_env() + "-c 'import ctranslate2, torch, sentencepiece'", "ct2-import").status == 0;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The config of a tiny Transformer on the generated corpus (prepared here).
nmt::Config transformer_config(const std::string& name, bool pre_norm) {
  const auto dir = (std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / name).string();
  std::filesystem::create_directories(dir);
  auto c = nmt::test::tiny_config(dir, "transformer");
  c.model.pre_norm = pre_norm;
  nmt::prepare_data(c);
  return c;
}

}  // namespace

TEST_CASE("a Transformer converted to CTranslate2 translates as nmt does", "[export][ctranslate2]") {
  if (!ctranslate2_available()) {
    WARN("SKIPPED: no ctranslate2 module (pip install ctranslate2, or scripts/build_ctranslate2.sh SRC_DIR)");
    return;
  }
  for (const bool pre_norm : {false, true}) {
    SECTION(pre_norm ? "pre-norm" : "post-norm") {
      const std::string name = pre_norm ? "ct2-pre" : "ct2-post";
      auto c = transformer_config(name, pre_norm);
      const auto model_dir = nmt::test::scratch_dir(name + "-model").string();
      // Trained for a few hundred updates, so that its choices are not the
      // near-ties of an untrained network, which rounding could flip.
      const auto config = model_dir + ".yaml";
      c.training.model_dir = model_dir;
      c.training.max_steps = 200;
      c.training.validate_every = 200;
      c.training.learning_rate = 0.003;
      nmt::test::write_file(config, nmt::to_yaml(c));
      const auto trained = run(tool("nmt-train") + " --config " + config, "ct2-train");
      INFO(trained.err);
      REQUIRE(trained.status == 0);
      const auto exported = nmt::test::scratch_dir(name + "-exported").string() + "/out";
      REQUIRE(run(tool("nmt-export") + " --model " + model_dir + " --to pytorch " + exported, "ct2-export").status == 0);
      const auto ct2_dir = nmt::test::scratch_dir(name + "-ct2").string() + "/model";
      const auto converted = run(python_env() + "-m nmt_ctranslate2.convert " + exported + " " + ct2_dir, "ct2-convert");
      INFO(converted.err);
      REQUIRE(converted.status == 0);
      const auto input = c.data.test + "." + c.data.src_lang;
      for (const int beam : {1, 3}) {
        INFO("beam " << beam);
        const auto ours = run(tool("nmt-translate") + " --model " + model_dir +
                                  " --set decoding.precision=fp32 decoding.length_penalty=0 --beam " +
                                  std::to_string(beam) + " --input " + input,
                              "ct2-nmt");
        REQUIRE(ours.status == 0);
        const auto theirs = run(python_env() + "-m nmt_ctranslate2.translate --threads 1 --compute-type float32 --model " +
                                    ct2_dir + " --beam " + std::to_string(beam) + " < " + input,
                                "ct2-translate");
        INFO(theirs.err);
        REQUIRE(theirs.status == 0);
        const auto a = lines_of(ours.out), b = lines_of(theirs.out);
        REQUIRE(a.size() == 20);
        REQUIRE(b.size() == a.size());
        int same = 0;
        for (size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
        CHECK(same >= 19);  // the bar, 990 of 1000, scaled to 20 lines
      }
    }
  }
}

TEST_CASE("the CTranslate2 converter refuses a GRU and a non-empty directory, naming them", "[export][ctranslate2]") {
  if (!ctranslate2_available()) {
    WARN("SKIPPED: no ctranslate2 module");
    return;
  }
  auto t = nmt::test::tiny_model("ct2-gru", "gru");
  const auto dir = nmt::test::write_model_dir(t, "ct2-gru-model");
  const auto exported = nmt::test::scratch_dir("ct2-gru-exported").string() + "/out";
  REQUIRE(run(tool("nmt-export") + " --model " + dir.path + " --to pytorch " + exported, "ct2-export").status == 0);
  const auto gru = run(python_env() + "-m nmt_ctranslate2.convert " + exported + " " + exported + "-ct2", "ct2-gru");
  CHECK(gru.status == 2);
  CHECK_THAT(gru.err, Contains(exported + "/config.json: model.type is 'gru'"));
  const auto busy = run(python_env() + "-m nmt_ctranslate2.convert " + exported + " " + exported, "ct2-busy");
  CHECK(busy.status == 2);
  CHECK_THAT(busy.err, Contains(exported + ": not empty") && Contains("--force"));
}
