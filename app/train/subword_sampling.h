#pragma once
// Subword regularization while training (tokenizer.sampling_nbest): the
// pairs of a batch segmented anew every time they are batched. The binary
// dataset holds ids, not text: each side is decoded back to its (normalized)
// text and segmented again by sampling (or, sampling the whole lattice, its
// pieces spelled out and segmented again). That costs milliseconds per batch
// against a training step's hundreds (the trainer logs it), where keeping K
// segmentations per pair in the dataset would multiply its size by K and
// still repeat them.
#include <cstdint>
#include <memory>
#include <vector>

#include "app/config/config.h"
#include "data/batching.h"
#include "data/segmentation_lattice.h"
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
  // With sampling_nbest -1: every segmentation (one lattice when joint).
  std::shared_ptr<const data::SegmentationLattice> src_lattice_, tgt_lattice_;
  int nbest_;
  double alpha_;
  bool source_, target_;  // the sides sampled
  std::size_t max_length_;
};

}  // namespace nmt
