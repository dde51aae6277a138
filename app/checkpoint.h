#pragma once
// The full training state, so `nmt-train --resume` continues where a run stopped.
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <string>

#include "models/seq2seq.h"

namespace nmt {

struct TrainerState {
  int64_t step = 0;            // optimizer steps taken
  int64_t epoch = 1;           // current epoch (1-based)
  int64_t batch_in_epoch = 0;  // next batch of this epoch's seeded order
  bool has_best = false;
  double best_score = 0;       // by training.best_metric
  int64_t best_step = 0;
  int64_t validations_without_improvement = 0;
  double lr_plateau_scale = 1.0;
  int64_t lr_bad_validations = 0;
  double train_seconds = 0;    // over all runs
};

// Model, optimizer, trainer state and the RNG, written atomically.
void save_checkpoint(const std::string& path, models::Seq2SeqImpl& model,
                     torch::optim::Optimizer& optimizer, const TrainerState& state);
void load_checkpoint(const std::string& path, models::Seq2SeqImpl& model,
                     torch::optim::Optimizer& optimizer, TrainerState& state);

}  // namespace nmt
