#pragma once
// One training update, in the two halves that gradient accumulation and
// data-parallel training put work between: gradients of batches add up, then
// one update turns their sum into a mean over all their target tokens.
#include <torch/optim/optimizer.h>

#include "data/batching.h"
#include "models/precision.h"
#include "models/seq2seq.h"

namespace nmt {

struct StepResult {
  double loss = 0;     // label-smoothed, summed over tokens
  double nll = 0;      // plain negative log-likelihood, summed over tokens
  int64_t tokens = 0;  // real target tokens
  StepResult& operator+=(const StepResult& other);
};

// Teacher-forced forward and backward of one batch. The gradient of the
// loss summed over the batch's tokens (not its mean) is added to the
// parameters' gradients, so batches, and ranks, can be summed exactly. The
// matrix products run in `precision`; the gradients are fp32 either way.
StepResult accumulate_gradients(models::Seq2SeqImpl& model, const data::Batch& batch, double label_smoothing,
                                models::Precision precision = models::Precision::fp32);

// Divides the summed gradients by `totals.tokens`, clips their norm
// (clip_norm > 0), updates and clears them. A non-finite loss leaves the
// weights untouched and returns false.
bool apply_update(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer, const StepResult& totals,
                  double clip_norm);

// Both halves for one batch: a whole step of single-process training.
StepResult train_step(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                      const data::Batch& batch, double label_smoothing, double clip_norm,
                      models::Precision precision = models::Precision::fp32);

}  // namespace nmt
