#pragma once
// The full training state, so `nmt-train --resume` continues where a run stopped.
#include <torch/optim/optimizer.h>

#include <cstdint>
#include <limits>
#include <string>

#include "app/train/exponential_average.h"
#include "app/train/lr_schedule.h"
#include "models/seq2seq.h"

namespace nmt {

struct TrainerState {
  int64_t step = 0;            // optimizer steps taken
  int64_t epoch = 1;           // current epoch (1-based)
  int64_t batch_in_epoch = 0;  // next batch of this epoch's seeded order
  bool has_best = false;
  double best_score = 0;       // by training.best_metric, over every validation: decides best.pt
  int64_t best_step = 0;
  // The best of the scheduled validations (every validate_every steps; NaN:
  // none yet), which alone decide early stopping and the plateau schedule. A
  // run stopped between them validates once more for best.pt; were that
  // counted here, a resumed run would not continue as an uninterrupted one.
  double schedule_best_score = std::numeric_limits<double>::quiet_NaN();
  int64_t validations_without_improvement = 0;
  ScheduleState schedule;      // the learning-rate schedule's
  double train_seconds = 0;    // over all runs
  // The training data the batch position refers to (0 / -1: unknown, in
  // checkpoints older than these fields).
  std::uint64_t data_checksum = 0;
  int64_t train_pairs = -1;
};

// Model, optimizer, trainer state, the RNG and the parameter average (when
// the run keeps one), written atomically. `rank_rngs` ([ranks, bytes] uint8,
// optional): every rank's random state, so that each rank of a resumed
// data-parallel run draws what it would have drawn without the stop.
void save_checkpoint(const std::string& path, models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                     const TrainerState& state, const ExponentialAverage* average = nullptr,
                     const torch::Tensor& rank_rngs = {});
// Returns false when `average` was given but the checkpoint has none (it
// keeps the model's weights then).
bool load_checkpoint(const std::string& path, models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                     TrainerState& state, ExponentialAverage* average = nullptr);

// The same in two halves, so one rank can read the file and send its bytes
// to the others: the file's bytes, and the state restored from bytes (`name`
// is the file, for errors).
std::string read_checkpoint(const std::string& path);
// `rank_rngs`, when given, gets the ranks' random states (undefined in
// checkpoints written before they were kept).
bool restore_checkpoint(const std::string& bytes, const std::string& name, models::Seq2SeqImpl& model,
                        torch::optim::Optimizer& optimizer, TrainerState& state,
                        ExponentialAverage* average = nullptr, torch::Tensor* rank_rngs = nullptr);

}  // namespace nmt
