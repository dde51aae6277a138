#include <catch2/catch.hpp>

#include <sstream>

#include "app/metrics/bleu.h"
#include "app/metrics/chrf.h"
#include "data/text_file.h"
#include "helpers.h"

using nmt::tokenize_13a;

namespace {

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string f; std::getline(in, f, '\t');) fields.push_back(f);
  return fields;
}

}  // namespace

TEST_CASE("13a tokenization follows mteval-v13a", "[bleu]") {
  using V = std::vector<std::string>;
  CHECK(tokenize_13a("Hello, world.") == V{"Hello", ",", "world", "."});
  CHECK(tokenize_13a("It costs 5,000.50 $ (approx.)") ==
        V{"It", "costs", "5,000.50", "$", "(", "approx", ".", ")"});
  CHECK(tokenize_13a("a 4-wheeler, a t-shirt") == V{"a", "4", "-", "wheeler", ",", "a", "t-shirt"});
  CHECK(tokenize_13a("&quot;x&quot; &amp;amp; &lt;b&gt;") == V{"\"", "x", "\"", "&", "amp", ";", "<", "b", ">"});
  CHECK(tokenize_13a("don't <skipped> stop") == V{"don't", "stop"});
  CHECK(tokenize_13a("a\xC2\xA0" "b\xE2\x80\x8B" "c\t d  ") == V{"a", "b\xE2\x80\x8B" "c", "d"});
  CHECK(tokenize_13a("").empty());
}

TEST_CASE("BLEU of a perfect and of an empty hypothesis", "[bleu]") {
  const std::vector<std::string> refs = {"The cat sat on the mat .", "A dog runs in the park ."};
  CHECK(nmt::corpus_bleu(refs, refs).score == Approx(100.0));
  const auto empty = nmt::corpus_bleu({"", ""}, refs);
  CHECK(empty.score == 0.0);
  CHECK(empty.bp == 0.0);
  CHECK(nmt::corpus_chrf(refs, refs) == Approx(100.0));
  REQUIRE_THROWS(nmt::corpus_bleu({"a"}, refs));
}

TEST_CASE("BLEU and chrF equal sacreBLEU 2.6.0 on every shared test vector", "[bleu][vectors]") {
  const auto dir = nmt::test::shared_data("bleu-vectors");
  if (dir.empty()) {
    WARN("SKIPPED: ../shared/data/bleu-vectors is not present");
    return;
  }
  const auto rows = nmt::data::read_lines(dir + "/expected.tsv");
  REQUIRE(rows.size() == 31);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto f = split_tabs(rows[r]);
    REQUIRE(f.size() >= 6);
    const auto hyps = nmt::data::read_lines(dir + "/" + f[0] + ".hyp", nmt::data::LineEnds::kRaw);
    const auto refs = nmt::data::read_lines(dir + "/" + f[0] + ".ref", nmt::data::LineEnds::kRaw);
    INFO(f[0] << ": " << f[6]);
    REQUIRE(hyps.size() == std::stoul(f[1]));
    const auto bleu = nmt::corpus_bleu(hyps, refs);
    const double chrf = nmt::corpus_chrf(hyps, refs);
    CHECK(nmt::format_bleu(bleu) == f[2]);
    CHECK(nmt::format_chrf(chrf) == f[3]);
    CHECK(bleu.score == Approx(std::stod(f[4])).margin(1e-9));
    CHECK(chrf == Approx(std::stod(f[5])).margin(1e-9));
  }
}
