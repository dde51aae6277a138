#include "app/train/subword_sampling.h"

#include <random>

#include "common/error.h"

namespace nmt {

SubwordSampler::SubwordSampler(data::Tokenizers tokenizers, const TokenizerConfig& tokenizer, int max_length)
    : tokenizers_(std::move(tokenizers)), nbest_(tokenizer.sampling_nbest), alpha_(tokenizer.sampling_alpha),
      source_(tokenizer.sampling_sides != "target"), target_(tokenizer.sampling_sides != "source"),
      max_length_(static_cast<std::size_t>(max_length)) {
  if (tokenizer.type != "unigram")
    throw Error("tokenizer.sampling_nbest needs tokenizer.type 'unigram' (got '" + tokenizer.type +
                "'): SentencePiece samples n-best segmentations of unigram models only");
  if (nbest_ < 0) {
    src_lattice_ = std::make_shared<const data::SegmentationLattice>(*tokenizers_.src);
    tgt_lattice_ = tokenizers_.joint() ? src_lattice_
                                        : std::make_shared<const data::SegmentationLattice>(*tokenizers_.tgt);
  }
}

data::Batch SubwordSampler::batch(const data::PairSource& pairs, const std::vector<std::int64_t>& members,
                                  std::uint64_t seed) const {
  std::mt19937_64 rng(seed);
  auto resample = [&](bool sample, const data::Tokenizer& tokenizer, const data::SegmentationLattice* lattice,
                      const int* ids, std::size_t n) {
    std::vector<int> original(ids, ids + n);
    if (!sample) return original;
    auto sampled = lattice ? lattice->sample(original, alpha_, rng)
                           : tokenizer.sample_encode(tokenizer.decode(original), nbest_, alpha_, rng);
    return sampled.empty() || sampled.size() > max_length_ ? original : sampled;
  };
  std::vector<data::TokenizedPair> sampled;
  sampled.reserve(members.size());
  for (const auto m : members) {
    const auto p = pairs.pair(static_cast<std::size_t>(m));
    sampled.push_back({resample(source_, *tokenizers_.src, src_lattice_.get(), p.src, p.src_len),
                       resample(target_, *tokenizers_.tgt, tgt_lattice_.get(), p.tgt, p.tgt_len), p.index});
  }
  std::vector<std::int64_t> all(sampled.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::int64_t>(i);
  return data::make_batch(sampled, all);
}

}  // namespace nmt
