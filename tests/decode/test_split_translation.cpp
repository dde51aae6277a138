// nmt-translate --split-sentences: a line of several sentences is translated
// sentence by sentence and put back together; a line of one is unchanged.
#include <catch2/catch.hpp>

#include <sstream>

#include "serve/served_model.h"

using Catch::Matchers::Contains;
using nmt::test::run;
using nmt::test::tool;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// `name` keeps each call's files apart: CTest runs the test cases at the same time.
nmt::test::CommandResult translate(const std::string& name, const std::string& input, const std::string& args) {
  const auto dir = nmt::test::scratch_dir("split-translation-" + name);
  nmt::test::write_file(dir / "in.txt", input);
  return run(tool("nmt-translate") + " --model " + nmt::test::served_model_dir() + " --device cpu --threads 1 " + args +
                 " --input " + (dir / "in.txt").string(),
             "split-translation-" + name);
}

}  // namespace

TEST_CASE("nmt-translate --split-sentences translates each sentence of a line and keeps the spacing", "[decode][sentences]") {
  nmt::test::served_model_dir();  // trains it (and writes its corpus) on first use
  auto sources = nmt::data::read_lines(nmt::test::served_test_sources());
  sources.resize(4);
  for (auto& s : sources) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  std::string one_per_line;
  for (const auto& s : sources) one_per_line += s + "\n";
  const auto alone = translate("alone", one_per_line, "--beam 2");
  INFO(alone.err);
  REQUIRE(alone.status == 0);
  const auto expected = lines_of(alone.out);
  REQUIRE(expected.size() == 4);

  // Lines of single sentences are translated exactly as without the flag.
  const auto same = translate("same", one_per_line, "--beam 2 --split-sentences");
  INFO(same.err);
  CHECK(lines_of(same.out) == expected);
  CHECK_THAT(same.err, Contains("0 of 4 lines held more than one sentence"));

  // Two sentences on a line, and an empty line, keep their places.
  const auto joined = translate("joined", sources[0] + "  " + sources[1] + "\n\n" + sources[2] + "\n", "--beam 2 --split-sentences");
  INFO(joined.err);
  REQUIRE(joined.status == 0);
  CHECK(lines_of(joined.out) == std::vector<std::string>{expected[0] + "  " + expected[1], "", expected[2]});
  CHECK_THAT(joined.err, Contains("1 of 3 lines held more than one sentence (3 sentences in all)"));
}

TEST_CASE("nmt-translate --split-sentences refuses what it cannot do", "[decode][sentences]") {
  CHECK_THAT(translate("n-best", "Ein Hund .\n", "--split-sentences --n-best 2 --beam 2").err, Contains("--n-best lists are for single sentences"));
  CHECK_THAT(translate("no-split", "Ein Hund .\n", "--abbreviations " + nmt::test::source_path("data/abbreviations/de.txt")).err,
             Contains("--abbreviations needs --split-sentences"));
  const auto dir = nmt::test::scratch_dir("split-translation-list");
  nmt::test::write_file(dir / "bad.txt", "Dr.\nProf\n");
  const auto bad = translate("bad-list", "Ein Hund .\n", "--split-sentences --abbreviations " + (dir / "bad.txt").string());
  CHECK(bad.status != 0);
  CHECK_THAT(bad.err, Contains("bad.txt:2: 'Prof' does not end with a period"));
}
