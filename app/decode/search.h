#pragma once
// Decoding over the Seq2Seq interface, for any model.
#include <torch/types.h>

#include <vector>

#include "models/seq2seq.h"

namespace nmt {

struct SearchLimits {
  double max_length_a = 1.5;  // output tokens <= a * source tokens + b (EOS not counted)
  int max_length_b = 10;
};

struct Hypothesis {
  std::vector<int64_t> tokens;  // without BOS and EOS
  double log_prob = 0;          // sum of token log-probabilities (EOS included)
  double score = 0;             // log_prob / length_penalty(tokens + 1, alpha); greedy: log_prob
  torch::Tensor attention;      // [output tokens + 1, source length], if asked for
  torch::Tensor layer_attention;  // [output tokens + 1, layers, heads, source length], if the model has it
};

// Per sentence of the batch: the most output tokens (EOS not counted).
std::vector<int64_t> max_output_lengths(const torch::Tensor& src_lengths, const SearchLimits& limits);

// GNMT's length penalty (Wu et al. 2016): lp(n) = ((5 + n) / 6)^alpha, where
// n counts the output tokens including EOS. alpha = 0 turns it off (lp = 1);
// larger alpha favours longer outputs.
double length_penalty(int64_t length, double alpha);

// Batched greedy search: each sentence stops at EOS or at its length limit;
// finished sentences leave the batch (state.select), so they cost nothing.
std::vector<Hypothesis> greedy_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                      const torch::Tensor& src_lengths, const SearchLimits& limits,
                                      bool keep_attention = false);

}  // namespace nmt
