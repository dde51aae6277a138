#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "app/metrics/numpy_random.h"
#include "app/metrics/paired_bootstrap.h"

namespace {

// 60 reference sentences of equal shape, and a copy with a word wrong in the
// sentences [first, first + count).
std::vector<std::string> references() {
  std::vector<std::string> refs;
  for (int i = 0; i < 60; ++i)
    refs.push_back("A man in a red shirt rides bicycle number " + std::to_string(i) + " down the old street .");
  return refs;
}

std::vector<std::string> with_errors(std::vector<std::string> lines, int first, int count) {
  for (int i = first; i < first + count; ++i) {
    const auto at = lines[i].find("red shirt");
    lines[i].replace(at, 9, "blue coat");
  }
  return lines;
}

}  // namespace

TEST_CASE("NumpyGenerator draws what numpy.random.default_rng draws", "[bleu][bootstrap]") {
  // The expected values are numpy 1.24.2's: default_rng(12345).bit_generator.random_raw(3),
  // default_rng(12345).integers(0, 1000, size=10) (= .choice(1000, size=10, replace=True)),
  // default_rng(7).integers(0, 3, size=12) and default_rng(2**40 + 5).integers(0, 1014, size=5).
  nmt::NumpyGenerator raw(12345);
  CHECK(raw.next64() == 4193609425186963869ULL);
  CHECK(raw.next64() == 5843160025838961886ULL);
  CHECK(raw.next64() == 14708796524633321433ULL);
  auto draws = [](std::uint64_t seed, std::int64_t n, int count) {
    nmt::NumpyGenerator g(seed);
    std::vector<std::int64_t> out;
    for (int i = 0; i < count; ++i) out.push_back(g.below(n));
    return out;
  };
  using V = std::vector<std::int64_t>;
  CHECK(draws(12345, 1000, 10) == V{699, 227, 788, 316, 204, 797, 642, 676, 988, 391});
  CHECK(draws(7, 3, 12) == V{2, 1, 2, 2, 1, 2, 2, 0, 0, 0, 0, 2});
  CHECK(draws((1ULL << 40) + 5, 1014, 5) == V{14, 4, 456, 377, 928});
  nmt::NumpyGenerator g(1);
  CHECK(g.below(1) == 0);
  CHECK_THROWS(g.below(0));
}

TEST_CASE("paired bootstrap resampling as sacreBLEU's --paired-bs", "[bleu][bootstrap]") {
  const auto refs = references();
  const auto baseline = nmt::sentence_stats(with_errors(refs, 0, 20), refs);
  const auto perfect = nmt::sentence_stats(refs, refs);
  // The same number of the same errors in other sentences: the same corpus score.
  const auto other_errors = nmt::sentence_stats(with_errors(refs, 30, 20), refs);
  const auto r = nmt::paired_bootstrap({baseline, perfect, other_errors});
  REQUIRE(r.size() == 3);

  SECTION("scores, means and intervals") {
    CHECK(r[0].bleu.score == Approx(nmt::corpus_bleu(with_errors(refs, 0, 20), refs).score));
    CHECK(r[0].chrf.score == Approx(nmt::corpus_chrf(with_errors(refs, 0, 20), refs)));
    CHECK(r[0].bleu.score < 100.0);
    CHECK(r[0].bleu.ci > 0.0);
    CHECK(std::abs(r[0].bleu.mean - r[0].bleu.score) < r[0].bleu.ci);
    CHECK(r[1].bleu.score == Approx(100.0));  // every resample of a perfect system is perfect
    CHECK(r[1].bleu.mean == Approx(100.0));
    CHECK(r[1].bleu.ci == 0.0);
    CHECK_FALSE(r[0].bleu.p_value.has_value());  // the baseline is not tested against itself
  }
  SECTION("p-values") {
    // The perfect system is better on every resample: p is the least 1000 resamples can give.
    REQUIRE(r[1].bleu.p_value.has_value());
    CHECK(*r[1].bleu.p_value == Approx(1.0 / 1001.0));
    CHECK(*r[1].chrf.p_value == Approx(1.0 / 1001.0));
    // Equal scores from different sentences: nothing to tell them apart.
    CHECK(r[2].bleu.score == Approx(r[0].bleu.score));
    CHECK(*r[2].bleu.p_value > 0.2);
  }
  SECTION("the seed decides the resamples") {
    const auto again = nmt::paired_bootstrap({baseline, other_errors});
    CHECK(again[1].bleu.mean == r[2].bleu.mean);
    CHECK(again[1].bleu.p_value == r[2].bleu.p_value);
    const auto other_seed = nmt::paired_bootstrap({baseline, other_errors}, {1000, 1});
    CHECK(other_seed[0].bleu.mean != r[0].bleu.mean);
    const auto fewer = nmt::paired_bootstrap({baseline, perfect}, {10, 12345});
    CHECK(*fewer[1].bleu.p_value == Approx(1.0 / 11.0));
  }
  SECTION("what it refuses") {
    CHECK_THROWS_WITH(nmt::paired_bootstrap({baseline}), Catch::Contains("at least two systems"));
    const auto shorter = nmt::sentence_stats({refs[0]}, {refs[0]});
    CHECK_THROWS_WITH(nmt::paired_bootstrap({baseline, shorter}), Catch::Contains("60 vs 1"));
    CHECK_THROWS_WITH(nmt::sentence_stats({"a", "b"}, {"a"}), Catch::Contains("2 vs 1"));
  }
}
