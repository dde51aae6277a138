#pragma once
// Subword regularization over every segmentation of a unigram model (Kudo
// 2018, the "l = infinity" case; SentencePiece's nbest -1): a segmentation
// drawn with probability proportional to P(segmentation)^alpha by forward
// filtering and backward sampling over the lattice of the pieces that spell
// the text. Written here rather than called in SentencePiece because its
// sampler draws from a generator of its own per thread, which a checkpoint
// cannot hold: this one draws from the caller's, so runs repeat and resume
// exactly. It costs one pass over the lattice, where the n-best sampler
// searches for n segmentations first.
#include <cstddef>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "data/tokenizer.h"

namespace nmt::data {

class SegmentationLattice {
 public:
  // The pieces and log-probabilities of `tokenizer` (a unigram model).
  explicit SegmentationLattice(const Tokenizer& tokenizer);
  SegmentationLattice(const SegmentationLattice&) = delete;
  SegmentationLattice& operator=(const SegmentationLattice&) = delete;

  // A segmentation of the text that `ids` spell, drawn from `rng`. Special and
  // unknown ids stay where they are (the text they stood for is not known); a
  // stretch between them that the pieces cannot spell keeps its ids.
  std::vector<int> sample(const std::vector<int>& ids, double alpha, std::mt19937_64& rng) const;

  // Every segmentation of `text` (pieces concatenated, "▁" for spaces) with
  // its probability under `alpha`, for checking the sampler; exponential in
  // the text's length, so for short texts only.
  std::vector<std::pair<std::vector<int>, double>> enumerate(const std::string& text, double alpha) const;

 private:
  struct Piece {
    int id;
    double log_p;
  };
  struct Edge {
    std::size_t start;
    int id;
    double log_weight;  // alpha * log P(piece)
  };
  // The edges of the lattice over `text`, by the byte where they end.
  std::vector<std::vector<Edge>> edges(std::string_view text, double alpha) const;
  // One segmentation of `text`, or nothing when the pieces cannot spell it.
  std::vector<int> sample_text(std::string_view text, double alpha, std::mt19937_64& rng) const;

  std::vector<std::string> spellings_;  // the pieces' text; the map's keys view into it
  std::unordered_map<std::string_view, Piece> pieces_;
  std::size_t longest_ = 0;  // bytes
};

}  // namespace nmt::data
