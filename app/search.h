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
  double score = 0;             // sum of token log-probabilities (EOS included)
  torch::Tensor attention;      // [output tokens + 1, source length], if asked for
};

// Batched greedy search: each sentence stops at EOS or at its length limit;
// finished sentences leave the batch (state.select), so they cost nothing.
std::vector<Hypothesis> greedy_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                      const torch::Tensor& src_lengths, const SearchLimits& limits,
                                      bool keep_attention = false);

}  // namespace nmt
