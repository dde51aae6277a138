#pragma once
#include <torch/types.h>

namespace nmt {

struct LossResult {
  torch::Tensor loss;  // label-smoothed cross-entropy summed over real tokens (for backward)
  double nll = 0;      // plain negative log-likelihood summed over real tokens (for perplexity)
  int64_t tokens = 0;  // real (non-padding) target tokens
};

// Label-smoothed cross-entropy that ignores padding: (1 - eps) * NLL plus
// eps times the mean negative log-probability over the vocabulary. Its
// backward pass runs once (it writes the gradient over what it saved).
LossResult label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                               double smoothing, int64_t pad_id);

}  // namespace nmt
