#pragma once
// Tokenized training pairs by position, wherever they live: in memory, or in
// a memory-mapped binary dataset. Batching reads pairs only through this.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/parallel_corpus.h"

namespace nmt::data {

// A pair's ids (no BOS/EOS) without a copy.
struct PairView {
  const int* src = nullptr;
  std::size_t src_len = 0;
  const int* tgt = nullptr;
  std::size_t tgt_len = 0;
  std::int64_t index = 0;  // position in the raw corpus
};

// What batch planning needs of a pair; the one per-pair record kept in memory.
struct PairLengths {
  std::uint32_t src = 0;
  std::uint32_t tgt = 0;
};

class PairSource {
 public:
  virtual ~PairSource() = default;
  virtual std::size_t size() const = 0;
  virtual PairView pair(std::size_t i) const = 0;
  virtual const std::vector<PairLengths>& lengths() const = 0;
};

class PairsInMemory : public PairSource {
 public:
  explicit PairsInMemory(const std::vector<TokenizedPair>& pairs);  // keeps a reference: `pairs` must outlive it
  std::size_t size() const override { return pairs_.size(); }
  PairView pair(std::size_t i) const override;
  const std::vector<PairLengths>& lengths() const override;  // computed on first use

 private:
  const std::vector<TokenizedPair>& pairs_;
  mutable std::vector<PairLengths> lengths_;
};

}  // namespace nmt::data
