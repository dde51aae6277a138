#include "data/pair_source.h"

namespace nmt::data {

PairsInMemory::PairsInMemory(const std::vector<TokenizedPair>& pairs) : pairs_(pairs) {}

const std::vector<PairLengths>& PairsInMemory::lengths() const {
  if (lengths_.size() != pairs_.size()) {
    lengths_.clear();
    for (const auto& p : pairs_)
      lengths_.push_back({static_cast<std::uint32_t>(p.src.size()), static_cast<std::uint32_t>(p.tgt.size())});
  }
  return lengths_;
}

PairView PairsInMemory::pair(std::size_t i) const {
  const auto& p = pairs_[i];
  return {p.src.data(), p.src.size(), p.tgt.data(), p.tgt.size(), p.index};
}

}  // namespace nmt::data
