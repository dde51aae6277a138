#pragma once
// Late dropout (Liu et al. 2023, "Dropout Reduces Underfitting"): a run on a
// short budget learns fastest with little dropout, then overfits a small
// corpus; raising the rate part-way through holds it back from there on.
#include "app/config/config.h"
#include "models/seq2seq.h"

namespace nmt {

class LateDropout {
 public:
  explicit LateDropout(const TrainingConfig& training)
      : rate_(training.late_dropout), from_(training.late_dropout_from) {}

  // Switches every dropout of `model` to the late rate once `progress`
  // (budget_progress, app/train/lr_schedule.h) reaches the configured share;
  // true the one time it does. A resumed run past that share switches at its
  // first update.
  bool update(models::Seq2SeqImpl& model, double progress);
  bool switched() const { return switched_; }
  double rate() const { return rate_; }

 private:
  double rate_, from_;
  bool switched_ = false;
};

}  // namespace nmt
