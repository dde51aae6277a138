#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "data/batching.h"
#include "data/tokenizer.h"

using nmt::data::BatchLimits;
using nmt::data::TokenizedPair;
using nmt::data::plan_batches;

namespace {

std::vector<TokenizedPair> random_pairs(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<TokenizedPair> pairs(n);
  for (int i = 0; i < n; ++i) {
    pairs[i].src.assign(1 + rng() % 40, 5 + static_cast<int>(rng() % 50));
    pairs[i].tgt.assign(1 + rng() % 40, 5 + static_cast<int>(rng() % 50));
    pairs[i].index = i;
  }
  return pairs;
}

std::size_t padded_size(const std::vector<TokenizedPair>& pairs, const std::vector<std::int64_t>& b) {
  std::size_t longest = 0;
  for (auto i : b) longest = std::max({longest, pairs[i].src.size() + 1, pairs[i].tgt.size() + 1});
  return longest * b.size();
}

}  // namespace

TEST_CASE("every pair appears exactly once per epoch", "[batching]") {
  const auto pairs = random_pairs(1000, 1);
  const auto batches = plan_batches(pairs, {500, 0}, 42, true);
  std::vector<int> seen(pairs.size(), 0);
  for (const auto& b : batches)
    for (auto i : b) ++seen[i];
  CHECK(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
}

TEST_CASE("batches respect the token and sentence limits", "[batching]") {
  const auto pairs = random_pairs(1000, 2);
  for (const BatchLimits limits : {BatchLimits{300, 0}, BatchLimits{1000, 16}, BatchLimits{41, 0}}) {
    for (const auto& b : plan_batches(pairs, limits, 1, true)) {
      REQUIRE_FALSE(b.empty());
      CHECK(padded_size(pairs, b) <= static_cast<std::size_t>(limits.max_tokens));
      if (limits.max_sentences) CHECK(b.size() <= static_cast<std::size_t>(limits.max_sentences));
    }
  }
}

TEST_CASE("an over-long pair gets a batch of its own", "[batching]") {
  auto pairs = random_pairs(10, 3);
  pairs[4].src.assign(200, 9);
  const auto batches = plan_batches(pairs, {100, 0}, 1, false);
  const auto it = std::find_if(batches.begin(), batches.end(), [](const auto& b) {
    return std::find(b.begin(), b.end(), 4) != b.end();
  });
  REQUIRE(it != batches.end());
  CHECK(it->size() == 1);
}

TEST_CASE("the same seed gives the same order, another seed another", "[batching]") {
  const auto pairs = random_pairs(500, 4);
  const auto a = plan_batches(pairs, {400, 0}, 7, true);
  const auto b = plan_batches(pairs, {400, 0}, 7, true);
  const auto c = plan_batches(pairs, {400, 0}, 8, true);
  CHECK(a == b);
  CHECK(a != c);
}

TEST_CASE("batches group similar lengths, so padding stays small", "[batching]") {
  const auto pairs = random_pairs(2000, 5);
  std::size_t padded = 0, real = 0;
  for (const auto& b : plan_batches(pairs, {1000, 0}, 1, true)) {
    std::size_t longest_tgt = 0;
    for (auto i : b) longest_tgt = std::max(longest_tgt, pairs[i].tgt.size() + 1), real += pairs[i].tgt.size() + 1;
    padded += longest_tgt * b.size();
  }
  CHECK(static_cast<double>(real) / padded > 0.9);
}

TEST_CASE("a batch is padded tensors with EOS, BOS and lengths", "[batching]") {
  std::vector<TokenizedPair> pairs = {{{10, 11, 12}, {20}, 7}, {{13}, {21, 22, 23}, 9}};
  const auto batch = nmt::data::make_batch(pairs, {0, 1});
  using nmt::data::kBosId;
  using nmt::data::kEosId;
  using nmt::data::kPadId;
  const auto src = torch::tensor({10, 11, 12, kEosId, 13, kEosId, kPadId, kPadId}, torch::kInt64).view({2, 4});
  const auto tin = torch::tensor({kBosId, 20, kPadId, kPadId, kBosId, 21, 22, 23}, torch::kInt64).view({2, 4});
  const auto tout = torch::tensor({20, kEosId, kPadId, kPadId, 21, 22, 23, kEosId}, torch::kInt64).view({2, 4});
  CHECK(torch::equal(batch.src, src));
  CHECK(torch::equal(batch.src_lengths, torch::tensor({4, 2}, torch::kInt64)));
  CHECK(torch::equal(batch.tgt_in, tin));
  CHECK(torch::equal(batch.tgt_out, tout));
  CHECK(batch.tgt_tokens == 6);
  CHECK(batch.indices == std::vector<std::int64_t>{7, 9});
}
