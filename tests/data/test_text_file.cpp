#include <catch2/catch.hpp>

#include "common/error.h"
#include "data/parallel_corpus.h"
#include "data/text_file.h"
#include "data/utf8.h"
#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::test::scratch_dir;
using nmt::test::write_file;

TEST_CASE("UTF-8 validation finds the first bad byte", "[data]") {
  using nmt::data::find_invalid_utf8;
  CHECK(find_invalid_utf8("Grüße, café, 日本") == std::string_view::npos);
  CHECK(find_invalid_utf8("ab\xC3") == 2);              // truncated sequence
  CHECK(find_invalid_utf8("a\xC0\xAF") == 1);           // overlong '/'
  CHECK(find_invalid_utf8("\xED\xA0\x80") == 0);        // surrogate
  CHECK(find_invalid_utf8("ok \xF4\x90\x80\x80") == 3); // above U+10FFFF
  CHECK(nmt::data::utf8_length("Grüße") == 5);
}

TEST_CASE("reading lines strips CR and a byte order mark", "[data]") {
  const auto dir = scratch_dir("lines");
  write_file(dir / "a.txt", "\xEF\xBB\xBFone\r\ntwo\n\nfour");
  const auto lines = nmt::data::read_lines((dir / "a.txt").string());
  REQUIRE(lines == std::vector<std::string>{"one", "two", "", "four"});
}

TEST_CASE("invalid UTF-8 is reported with file and line", "[data]") {
  const auto dir = scratch_dir("utf8");
  const auto path = (dir / "bad.de").string();
  write_file(path, "gut\nauch gut\nkaputt \xFF hier\n");
  REQUIRE_THROWS_AS(nmt::data::read_lines(path), nmt::Error);
  REQUIRE_THROWS_WITH(nmt::data::read_lines(path), Contains(path + ":3") && Contains("invalid UTF-8"));
}

TEST_CASE("a missing file is reported by name", "[data]") {
  const auto dir = scratch_dir("missing");
  const auto path = (dir / "nope.en").string();
  REQUIRE_THROWS_WITH(nmt::data::read_lines(path), Contains(path) && Contains("cannot open"));
  REQUIRE_THROWS_WITH(nmt::data::read_lines(dir.string()), Contains("is a directory"));
}

TEST_CASE("parallel files of different length name both files and counts", "[data]") {
  const auto dir = scratch_dir("parallel");
  const auto de = (dir / "x.de").string(), en = (dir / "x.en").string();
  write_file(de, "a\nb\nc\n");
  write_file(en, "a\nb\n");
  REQUIRE_THROWS_WITH(nmt::data::read_parallel(de, en),
                      Contains(de + " has 3 lines") && Contains(en + " has 2"));
  write_file(en, "A\nB\nC\n");
  const auto pairs = nmt::data::read_parallel(de, en);
  REQUIRE(pairs.size() == 3);
  CHECK(pairs[2].src == "c");
  CHECK(pairs[2].tgt == "C");
}

TEST_CASE("filtering drops empty, over-long and unbalanced pairs and counts why", "[data]") {
  using nmt::data::TokenizedPair;
  std::vector<TokenizedPair> pairs = {
      {{5, 6}, {7, 8}, 0},                  // kept
      {{}, {7}, 1},                         // empty source
      {{5}, {}, 2},                         // empty target
      {std::vector<int>(11, 5), std::vector<int>(10, 6), 3},  // too long (max 10)
      {{5}, {6, 6, 6, 6}, 4},               // ratio 4 > 3
      {{5, 1, 1}, {6, 6, 1}, 5},            // kept, with unknowns
  };
  nmt::data::FilterStats stats;
  const auto kept = nmt::data::filter_pairs(pairs, {10, 3.0}, 1, stats);
  REQUIRE(kept.size() == 2);
  CHECK(kept[0].index == 0);
  CHECK(kept[1].index == 5);
  CHECK(stats.read == 6);
  CHECK(stats.kept == 2);
  CHECK(stats.dropped_empty == 2);
  CHECK(stats.dropped_too_long == 1);
  CHECK(stats.dropped_ratio == 1);
  CHECK(stats.src_tokens == 5);
  CHECK(stats.src_unknown == 2);
  CHECK(stats.tgt_unknown == 1);
}

TEST_CASE("atomic writes leave no temporary file behind", "[data]") {
  const auto dir = scratch_dir("text-file-atomic");
  const auto path = (dir / "sub" / "out.txt").string();
  nmt::data::write_lines_atomically(path, {"x", "y"});
  CHECK(nmt::test::read_file(path) == "x\ny\n");
  CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
}

TEST_CASE("counting lines counts a last line without a line feed", "[data]") {
  const auto dir = scratch_dir("count-lines");
  write_file(dir / "a.txt", "one\ntwo\n\nfour");
  write_file(dir / "b.txt", "one\ntwo\n");
  write_file(dir / "c.txt", "");
  CHECK(nmt::data::count_lines((dir / "a.txt").string()) == 4);
  CHECK(nmt::data::count_lines((dir / "b.txt").string()) == 2);
  CHECK(nmt::data::count_lines((dir / "c.txt").string()) == 0);
  CHECK_THROWS_WITH(nmt::data::count_lines((dir / "none.txt").string()), Contains("none.txt: cannot open"));
}
