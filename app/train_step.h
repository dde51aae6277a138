#pragma once
#include <torch/optim/optimizer.h>

#include "data/batching.h"
#include "models/seq2seq.h"

namespace nmt {

struct StepResult {
  double loss = 0;     // label-smoothed, summed over tokens
  double nll = 0;      // plain negative log-likelihood, summed over tokens
  int64_t tokens = 0;  // real target tokens
};

// One optimizer step: teacher-forced forward, label-smoothed loss per token,
// backward, gradient-norm clipping (clip_norm > 0), update. A non-finite loss
// leaves the weights untouched and is returned as such.
StepResult train_step(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                      const data::Batch& batch, double label_smoothing, double clip_norm);

}  // namespace nmt
