#pragma once
// Length-bucketed, token-limited batches of tokenized pairs, as padded tensors.
#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "data/pair_source.h"

namespace nmt::data {

struct BatchLimits {
  int max_tokens = 4000;  // padded tokens per side: sentences * longest sentence (with EOS)
  int max_sentences = 0;  // 0 = no limit
};

// Batches as lists of indices into `pairs`. Pairs are sorted by length (ties
// broken randomly), so a batch holds sentences of similar length and little
// padding; each batch respects the limits (a single over-long pair gets a
// batch of its own). With `shuffle`, the order of the batches is shuffled;
// the same seed gives the same batches in the same order.
std::vector<std::vector<std::int64_t>> plan_batches(const std::vector<PairLengths>& lengths,
                                                    const BatchLimits& limits, std::uint64_t seed,
                                                    bool shuffle);
std::vector<std::vector<std::int64_t>> plan_batches(const std::vector<TokenizedPair>& pairs,
                                                    const BatchLimits& limits, std::uint64_t seed,
                                                    bool shuffle);

struct Batch {
  torch::Tensor src;          // [B, S] int64: source ids + EOS, padded with kPadId
  torch::Tensor src_lengths;  // [B] int64, EOS included
  torch::Tensor tgt_in;       // [B, T] BOS + target ids (empty when there is no target)
  torch::Tensor tgt_out;      // [B, T] target ids + EOS
  std::vector<std::int64_t> indices;  // positions of the pairs in the corpus
  std::int64_t tgt_tokens = 0;        // non-padding tokens in tgt_out

  int64_t size() const { return src.size(0); }
  Batch to(const torch::Device& device) const;
};

Batch make_batch(const PairSource& pairs, const std::vector<std::int64_t>& members);
Batch make_batch(const std::vector<TokenizedPair>& pairs, const std::vector<std::int64_t>& members);

// Source sides alone, for translation: no targets, no corpus positions.
struct SourceBatch {
  torch::Tensor src;          // [B, S] int64: ids + EOS, padded with kPadId
  torch::Tensor src_lengths;  // [B] int64, EOS included
  SourceBatch to(const torch::Device& device) const;
};

SourceBatch make_source_batch(const std::vector<const std::vector<int>*>& sources);

}  // namespace nmt::data
