#pragma once
// A search step's first cut: each row's best tokens by log-probability, read
// straight from the model's scores.
//
// Beam search needs, of each row's [V] log-softmax, only its best 2k entries
// and the end-of-sentence one. ATen writes the whole log-softmax out, then
// topk copies each row into (value, index) pairs and sorts part of them: with
// 64 sentences x 5 beams x 8000 tokens a sixth of a beam-5 step
// (docs/performance.md). Here each row is read twice and nothing the size of
// the scores is written: a pass keeps the running maximum and the best
// tokens (a vector register's lanes are looked at one by one only when one
// of them beats the current k-th best), and a second sums exp(score - max)
// for the log of the normalizer.
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace nmt {

struct RowBest {
  int64_t per_row = 0;
  std::vector<float> log_prob;  // [rows * per_row]: each row's best, best first
  std::vector<int64_t> token;   // [rows * per_row]: their token ids
  std::vector<float> eos;       // [rows]: each row's log-probability of `eos_id`
};

// scores [rows, V], fp32 logits (log-probabilities already when `normalized`);
// per_row <= V. Ties keep the lower token id first.
RowBest row_best(const torch::Tensor& scores, int64_t per_row, bool normalized, int64_t eos_id);

}  // namespace nmt
