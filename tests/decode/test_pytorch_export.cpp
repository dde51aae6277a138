// nmt-export --to pytorch: the exported state dict holds the model's weights
// by name, and the Python package (python/nmt_pytorch) translates with them as
// nmt-translate does, for both architectures.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <torch/serialize.h>

#include "app/decode/pytorch_export.h"
#include "common/error.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

bool python_torch_available() {
  return run("/usr/bin/python3 -c 'import torch, sentencepiece'", "python-torch").status == 0;
}

std::string python_translate(const std::string& exported, const std::string& input, int beam) {
  const auto r = run("PYTHONPATH=" + nmt::test::source_path("python") +
                         " /usr/bin/python3 -m nmt_pytorch.translate --threads 1 --model " + exported + " --beam " +
                         std::to_string(beam) + " < " + input,
                     "python-translate");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

std::string nmt_translate(const std::string& model_dir, const std::string& input, int beam) {
  const auto r = run(tool("nmt-translate") + " --model " + model_dir + " --set decoding.precision=fp32 --beam " +
                         std::to_string(beam) + " --input " + input,
                     "nmt-translate-export");
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

}  // namespace

TEST_CASE("an export holds every weight by name, in a file torch.load reads", "[export]") {
  auto t = nmt::test::tiny_model("export-weights", "transformer");
  const auto dir = nmt::test::write_model_dir(t, "export-weights-model");
  const auto out = nmt::test::scratch_dir("export-weights-out").string() + "/exported";
  nmt::export_pytorch(dir.path, out);
  // pickle_load is LibTorch's reader of torch.save's format.
  const auto bytes = nmt::test::read_file(out + "/weights.pt");
  const auto state = torch::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  const auto params = t.model->named_parameters();
  CHECK(state.size() == params.size());
  for (const auto& p : params) {
    INFO(p.key());
    REQUIRE(state.contains(p.key()));
    CHECK(torch::equal(state.at(p.key()).toTensor(), p.value()));
  }
  const auto config = nlohmann::json::parse(nmt::test::read_file(out + "/config.json"));
  CHECK(config.at("model").at("type") == "transformer");
  CHECK(config.at("weights").at("src_embed.weight") == std::vector<int64_t>{150, 32});
  CHECK(nmt::data::file_exists(out + "/spm.model"));
  // An export is never overwritten, nor anything else of the user's.
  CHECK_THROWS_WITH(nmt::export_pytorch(dir.path, out), Contains(out + " is not empty"));
  const auto mine = nmt::test::scratch_dir("export-into-users-dir");
  nmt::test::write_file(mine / "config.json", "{\"mine\": true}\n");
  const auto r = nmt::test::run(nmt::test::tool("nmt-export") + " --model " + dir.path + " --to pytorch " + mine.string(),
                                "export-users-dir");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains(mine.string() + " is not empty (it holds config.json)") && Contains("--force"));
  CHECK(nmt::test::read_file(mine / "config.json") == "{\"mine\": true}\n");
  const auto forced = nmt::test::run(nmt::test::tool("nmt-export") + " --model " + dir.path + " --to pytorch " +
                                         mine.string() + " --force", "export-users-dir");
  CHECK(forced.status == 0);
  CHECK(nmt::data::file_exists(mine.string() + "/weights.pt"));
}

TEST_CASE("the PyTorch package translates an export as nmt-translate does", "[export]") {
  if (!python_torch_available()) {
    WARN("SKIPPED: /usr/bin/python3 lacks torch or sentencepiece (Debian: python3-torch python3-sentencepiece)");
    return;
  }
  for (const std::string type : {"gru", "transformer"}) {
    SECTION(type) {
      auto t = nmt::test::tiny_model("export-python-" + type, type);
      const auto dir = nmt::test::write_model_dir(t, "export-python-" + type + "-model");
      const auto out = nmt::test::scratch_dir("export-python-" + type + "-out").string() + "/exported";
      REQUIRE(run(tool("nmt-export") + " --model " + dir.path + " --to pytorch " + out, "export-tool").status == 0);
      const auto input = t.config.data.test + "." + t.config.data.src_lang;
      for (int beam : {1, 5}) {
        INFO(type << ", beam " << beam);
        const auto expected = nmt_translate(dir.path, input, beam);
        REQUIRE(std::count(expected.begin(), expected.end(), '\n') == 20);
        CHECK(python_translate(out, input, beam) == expected);
      }
    }
  }
}

TEST_CASE("the PyTorch package refuses what is not an export, naming the file", "[export]") {
  if (!python_torch_available()) {
    WARN("SKIPPED: /usr/bin/python3 lacks torch or sentencepiece");
    return;
  }
  const auto dir = nmt::test::scratch_dir("export-refused").string();
  const auto r = run("PYTHONPATH=" + nmt::test::source_path("python") + " /usr/bin/python3 -m nmt_pytorch.translate --model " +
                         dir + " Hallo",
                     "python-refused");
  CHECK(r.status != 0);
  CHECK_THAT(r.err, Contains(dir + "/config.json: not found"));
}
