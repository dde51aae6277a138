// The layer check that runs on every build: it passes on the checkout and
// fails, naming file, include and rule, on a forbidden include.
#include <catch2/catch.hpp>

#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::run;

namespace {

std::string check(const std::string& source_dir) {
  return "cmake -DSOURCE_DIR=" + source_dir + " -P " + nmt::test::source_path("cmake/check_layers.cmake");
}

}  // namespace

TEST_CASE("the checkout keeps the layer arrows", "[layers]") {
  const auto result = run(check(NMT_SOURCE_DIR), "layers-ok");
  INFO(result.err);
  CHECK(result.status == 0);
}

TEST_CASE("a forbidden include fails the layer check", "[layers]") {
  const auto dir = nmt::test::scratch_dir("layers");
  std::filesystem::create_directories(dir / "models");
  std::filesystem::create_directories(dir / "app" / "metrics");
  nmt::test::write_file(dir / "models" / "ok.cpp", "#include \"models/ok.h\"\n#include \"data/special_ids.h\"\n");
  nmt::test::write_file(dir / "models" / "bad.cpp", "#include \"data/tokenizer.h\"\n");
  nmt::test::write_file(dir / "app" / "metrics" / "bleu.cpp", "#include <torch/torch.h>\n#include \"app/decode/search.h\"\n");
  const auto result = run(check(dir.string()), "layers-bad");
  CHECK(result.status != 0);
  CHECK_THAT(result.err, Contains("models/bad.cpp: #include \"data/tokenizer.h\": models/ may include only"));
  CHECK_THAT(result.err, Contains("app/metrics/bleu.cpp: #include \"app/decode/search.h\""));
  CHECK_THAT(result.err, !Contains("models/ok.cpp"));
}
