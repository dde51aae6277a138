#pragma once
// Subword regularization while training (tokenizer.sampling_nbest): the
// pairs of a batch segmented anew every time they are batched. The binary
// dataset holds ids, not text: each side is decoded back to its (normalized)
// text and segmented again by sampling. That costs milliseconds per batch
// against a training step's hundreds (the trainer logs it), where keeping K
// segmentations per pair in the dataset would multiply its size by K and
// still repeat them.
#include <cstdint>
#include <vector>

#include "app/config/config.h"
#include "data/batching.h"
#include "data/tokenizers.h"

namespace nmt {

class SubwordSampler {
 public:
  SubwordSampler(data::Tokenizers tokenizers, const TokenizerConfig& tokenizer, int max_length);

  // The batch of pairs `members`, each sampled side (tokenizer.sampling_sides)
  // drawn from its best segmentations with a generator seeded by `seed` (same
  // seed, same batch: runs repeat and resume exactly). A side not sampled, or
  // whose sample is longer than data.max_length, keeps its dataset segmentation.
  data::Batch batch(const data::PairSource& pairs, const std::vector<std::int64_t>& members, std::uint64_t seed) const;

 private:
  data::Tokenizers tokenizers_;
  int nbest_;
  double alpha_;
  bool source_, target_;  // the sides sampled
  std::size_t max_length_;
};

}  // namespace nmt
