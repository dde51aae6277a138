#include "data/batching.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "data/special_ids.h"

namespace nmt::data {
namespace {

// Fisher-Yates with our own index draw: std::shuffle's results differ between
// standard libraries, and seeded orders must not.
template <class T>
void seeded_shuffle(std::vector<T>& items, std::mt19937_64& rng) {
  for (std::size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng() % i]);
}

}  // namespace

std::vector<std::vector<std::int64_t>> plan_batches(const std::vector<PairLengths>& pairs,
                                                    const BatchLimits& limits, std::uint64_t seed,
                                                    bool shuffle) {
  std::mt19937_64 rng(seed);
  std::vector<std::int64_t> order(pairs.size());
  std::iota(order.begin(), order.end(), 0);
  if (shuffle) seeded_shuffle(order, rng);
  auto length = [&](std::int64_t i) -> std::size_t {
    return std::max(pairs[i].src, pairs[i].tgt) + 1;  // + EOS / BOS
  };
  std::stable_sort(order.begin(), order.end(), [&](std::int64_t a, std::int64_t b) {
    return std::make_pair(pairs[a].tgt, pairs[a].src) < std::make_pair(pairs[b].tgt, pairs[b].src);
  });

  std::vector<std::vector<std::int64_t>> batches;
  std::vector<std::int64_t> current;
  std::size_t longest = 0;
  for (std::int64_t i : order) {
    const std::size_t grown = std::max(longest, length(i));
    const bool over_tokens = (current.size() + 1) * grown > static_cast<std::size_t>(limits.max_tokens);
    const bool over_sentences =
        limits.max_sentences > 0 && current.size() + 1 > static_cast<std::size_t>(limits.max_sentences);
    if (!current.empty() && (over_tokens || over_sentences)) {
      batches.push_back(std::move(current));
      current.clear();
      longest = 0;
    }
    current.push_back(i);
    longest = std::max(longest, length(i));
  }
  if (!current.empty()) batches.push_back(std::move(current));
  if (shuffle) seeded_shuffle(batches, rng);
  return batches;
}

std::vector<std::vector<std::int64_t>> plan_batches(const std::vector<TokenizedPair>& pairs,
                                                    const BatchLimits& limits, std::uint64_t seed,
                                                    bool shuffle) {
  return plan_batches(PairsInMemory(pairs).lengths(), limits, seed, shuffle);
}

namespace {

// Source ids of one sentence, wherever they are stored.
struct IdSpan {
  const int* ids;
  std::size_t size;
};

// ids + EOS, padded with kPadId: the one place source tensors are filled.
SourceBatch source_batch(const std::vector<IdSpan>& sources) {
  const auto n = static_cast<std::int64_t>(sources.size());
  std::size_t longest = 0;
  for (const auto& s : sources) longest = std::max(longest, s.size + 1);
  const auto opts = torch::TensorOptions().dtype(torch::kInt64);
  SourceBatch b;
  b.src = torch::full({n, static_cast<std::int64_t>(longest)}, kPadId, opts);
  b.src_lengths = torch::empty({n}, opts);
  auto src = b.src.accessor<std::int64_t, 2>();
  auto lens = b.src_lengths.accessor<std::int64_t, 1>();
  for (std::int64_t r = 0; r < n; ++r) {
    const auto& s = sources[r];
    for (std::size_t j = 0; j < s.size; ++j) src[r][j] = s.ids[j];
    src[r][s.size] = kEosId;
    lens[r] = static_cast<std::int64_t>(s.size + 1);
  }
  return b;
}

}  // namespace

SourceBatch make_source_batch(const std::vector<const std::vector<int>*>& sources) {
  std::vector<IdSpan> spans;
  spans.reserve(sources.size());
  for (const auto* ids : sources) spans.push_back({ids->data(), ids->size()});
  return source_batch(spans);
}

SourceBatch SourceBatch::to(const torch::Device& device) const {
  if (device == src.device()) return *this;
  return {src.to(device), src_lengths.to(device)};
}

Batch make_batch(const PairSource& pairs, const std::vector<std::int64_t>& members) {
  const auto n = static_cast<std::int64_t>(members.size());
  std::vector<PairView> views;
  std::vector<IdSpan> sources;  // straight from the pairs' storage (the mapping): no copy
  std::size_t tgt_len = 0;
  for (auto i : members) {
    views.push_back(pairs.pair(static_cast<std::size_t>(i)));
    sources.push_back({views.back().src, views.back().src_len});
    tgt_len = std::max(tgt_len, views.back().tgt_len + 1);
  }
  auto source = source_batch(sources);
  const auto opts = torch::TensorOptions().dtype(torch::kInt64);
  Batch b;
  b.src = std::move(source.src);
  b.src_lengths = std::move(source.src_lengths);
  b.tgt_in = torch::full({n, static_cast<std::int64_t>(tgt_len)}, kPadId, opts);
  b.tgt_out = torch::full({n, static_cast<std::int64_t>(tgt_len)}, kPadId, opts);
  auto tin = b.tgt_in.accessor<std::int64_t, 2>();
  auto tout = b.tgt_out.accessor<std::int64_t, 2>();
  for (std::int64_t r = 0; r < n; ++r) {
    const auto& p = views[r];
    tin[r][0] = kBosId;
    for (std::size_t j = 0; j < p.tgt_len; ++j) {
      tin[r][j + 1] = p.tgt[j];
      tout[r][j] = p.tgt[j];
    }
    tout[r][p.tgt_len] = kEosId;
    b.tgt_tokens += static_cast<std::int64_t>(p.tgt_len + 1);
    b.indices.push_back(p.index);
  }
  return b;
}

Batch make_batch(const std::vector<TokenizedPair>& pairs, const std::vector<std::int64_t>& members) {
  return make_batch(PairsInMemory(pairs), members);
}

Batch Batch::to(const torch::Device& device) const {
  if (device == src.device()) return *this;
  Batch b = *this;
  b.src = src.to(device);
  b.src_lengths = src_lengths.to(device);
  b.tgt_in = tgt_in.to(device);
  b.tgt_out = tgt_out.to(device);
  return b;
}

}  // namespace nmt::data
