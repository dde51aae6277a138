// docs/configuration.md, docs/cli.md and docs/benchmarks.md are generated:
// from the config schema, from each tool's --help, from docs/results/ (as is
// the results block of docs/recipes/distillation.md). These tests fail when a file in the
// repository is stale; NMT_UPDATE_DOCS=1 (scripts/update_docs.sh) rewrites it.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>

#include "app/config/config_reference.h"
#include "docs/benchmarks_page.h"
#include "helpers.h"

namespace {

const char* const kTools[] = {"nmt-prepare", "nmt-train",  "nmt-translate", "nmt-evaluate",
                              "nmt-average", "nmt-export", "nmt-serve", "nmt-benchmark"};

std::string cli_reference() {
  std::string out =
      "# Command-line tools\n"
      "<!-- Generated from each tool's --help by scripts/update_docs.sh; a test fails when it is stale. -->\n\n"
      "Every tool logs to standard error and writes what it was asked for to standard output; it exits 0 on "
      "success, 1 on an error (one line naming the file, line, key or option), and with CLI11's code (over 100) "
      "on an unknown or missing option.\n";
  for (const auto* name : kTools) {
    const auto r = nmt::test::run(nmt::test::tool(name) + " --help", std::string("help-") + name);
    REQUIRE(r.status == 0);
    // The usage line names the binary as it was started: keep its name only.
    const auto help = std::regex_replace(r.out, std::regex("Usage: \\S*/" + std::string(name)), "Usage: " + std::string(name));
    out += "\n## " + std::string(name) + "\n```\n" + help + "```\n";
  }
  return out;
}

void check_generated(const std::string& relative, const std::string& text) {
  const auto path = nmt::test::source_path(relative);
  if (const char* update = std::getenv("NMT_UPDATE_DOCS"); update && std::string(update) == "1") {
    nmt::test::write_file(path, text);
    WARN("wrote " << path);
  }
  INFO(relative << " is stale: scripts/update_docs.sh regenerates it");
  CHECK(nmt::test::read_file(path) == text);
}

}  // namespace

TEST_CASE("docs/configuration.md is the config schema's reference", "[docs]") {
  const auto text = nmt::configuration_reference();
  CHECK_THAT(text, Catch::Matchers::Contains("| `ema_decay` | `0` |"));
  check_generated("docs/configuration.md", text);
}

TEST_CASE("docs/cli.md holds every tool's --help", "[docs]") {
  check_generated("docs/cli.md", cli_reference());
}

TEST_CASE("docs/benchmarks.md holds the result files of docs/results", "[docs]") {
  const auto text = nmt::test::benchmarks_page(nmt::test::source_path("docs/results"));
  // Several seeds of one system become one row: their mean, range and count.
  CHECK_THAT(text, Catch::Matchers::Contains("| **41.8 (41.5–42.2, 3)** |"));
  check_generated("docs/benchmarks.md", text);
}

TEST_CASE("a malformed result line is named by file and line", "[docs]") {
  const auto dir = nmt::test::scratch_dir("benchmarks-bad-results");
  nmt::test::write_file(dir / "quality.jsonl", "{\"corpus\": \"x\", \"commit\": \"a\", \"cpu\": \"b\", \"command\": \"c\"}\n{oops\n");
  nmt::test::write_file(dir / "speed.jsonl", "");
  CHECK_THROWS_WITH(nmt::test::benchmarks_page(dir.string()), Catch::Matchers::Contains("quality.jsonl:2: not a JSON object"));
  nmt::test::write_file(dir / "quality.jsonl", "{\"corpus\": \"x\", \"cpu\": \"b\", \"command\": \"c\"}\n");
  CHECK_THROWS_WITH(nmt::test::benchmarks_page(dir.string()), Catch::Matchers::Contains("without its commit"));
}

TEST_CASE("the distillation recipe shows its results as docs/results holds them", "[docs]") {
  const auto path = nmt::test::source_path("docs/recipes/distillation.md");
  const auto group = std::string("Multi30k de→en: teachers and student");
  const auto page = nmt::test::read_file(path);
  const auto expected =
      nmt::test::with_results_block(page, group, nmt::test::results_block(nmt::test::source_path("docs/results"), group));
  check_generated("docs/recipes/distillation.md", expected);
  CHECK_THROWS_WITH(nmt::test::with_results_block("no markers\n", group, "x"), Catch::Matchers::Contains("has no block"));
}
