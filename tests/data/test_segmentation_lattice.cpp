// Sampling from every segmentation of a unigram model: the draws follow
// P(segmentation)^alpha, the likeliest segmentation is SentencePiece's own,
// and ids that spell no text stay where they are.
#include <catch2/catch.hpp>

#include <map>

#include "data/segmentation_lattice.h"
#include "data/special_ids.h"
#include "tiny_model.h"

using nmt::data::SegmentationLattice;

namespace {

std::string spelled(const nmt::data::Tokenizer& tokenizer, const std::vector<int>& ids) {
  std::string text;
  for (const auto& p : tokenizer.pieces(ids)) text += p;
  return text;
}

}  // namespace

TEST_CASE("the lattice's likeliest segmentation is SentencePiece's best", "[sampling]") {
  const auto t = nmt::test::tiny_model("lattice-best");
  const auto& tok = *t.data.tokenizers.src;
  const SegmentationLattice lattice(tok);
  int words = 0, ambiguous = 0;
  for (const std::string word :
       {"Katzen", "Häuser", "Blumen", "Taschen", "gekauft", "Nachbarin", "beautiful", "flowers"}) {
    const auto best = tok.encode(word);
    const auto all = lattice.enumerate(spelled(tok, best), 1.0);
    REQUIRE_FALSE(all.empty());
    const auto likeliest = std::max_element(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.second < b.second;
    });
    INFO(word);
    CHECK(likeliest->first == best);
    double total = 0;
    for (const auto& s : all) total += s.second;
    CHECK(total == Approx(1.0));
    ++words;
    if (all.size() > 2) ++ambiguous;
  }
  CHECK(ambiguous >= words / 2);  // the check has choices to get wrong
}

TEST_CASE("lattice samples follow P(segmentation)^alpha and repeat under a seed", "[sampling]") {
  const auto t = nmt::test::tiny_model("lattice-draws");
  const auto& tok = *t.data.tokenizers.src;
  const SegmentationLattice lattice(tok);
  const auto ids = tok.encode("Taschen");
  const double alpha = GENERATE(0.2, 1.0);
  const auto all = lattice.enumerate(spelled(tok, ids), alpha);
  REQUIRE(all.size() >= 3);
  std::map<std::vector<int>, int> counts;
  std::mt19937_64 rng(11);
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) ++counts[lattice.sample(ids, alpha, rng)];
  for (const auto& [segmentation, p] : all) {
    INFO("alpha " << alpha << ", a segmentation of " << segmentation.size() << " pieces, P " << p);
    CHECK(static_cast<double>(counts[segmentation]) / draws == Approx(p).margin(0.015));
    counts.erase(segmentation);
  }
  CHECK(counts.empty());  // nothing drawn that does not spell the word
  std::mt19937_64 a(5), b(5);
  const auto sentence = tok.encode("Die Kinder haben einen roten Hund gesehen .");
  CHECK(lattice.sample(sentence, alpha, a) == lattice.sample(sentence, alpha, b));
}

TEST_CASE("the lattice leaves special and unknown ids in place", "[sampling]") {
  const auto t = nmt::test::tiny_model("lattice-special");
  const auto& tok = *t.data.tokenizers.src;
  const SegmentationLattice lattice(tok);
  const auto left = tok.encode("die Kinder"), right = tok.encode("haben drei Bücher gekauft");
  std::vector<int> ids = left;
  ids.push_back(nmt::data::kUnkId);
  ids.insert(ids.end(), right.begin(), right.end());
  ids.push_back(nmt::data::kEosId);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 50; ++i) {
    const auto sampled = lattice.sample(ids, 0.1, rng);
    const auto unk = std::find(sampled.begin(), sampled.end(), nmt::data::kUnkId);
    REQUIRE(unk != sampled.end());
    CHECK(sampled.back() == nmt::data::kEosId);
    CHECK(spelled(tok, {sampled.begin(), unk}) == spelled(tok, left));
    CHECK(spelled(tok, {unk + 1, sampled.end() - 1}) == spelled(tok, right));
  }
}
