#pragma once
// Learning-rate schedules: constant (with optional linear warm-up), "noam"
// (linear warm-up to the peak, then inverse square root), reduce-on-plateau,
// and "linear" (warm-up, then a straight line down to the floor when the
// run's budget, in steps or in time, is used up).
#include <cstdint>
#include <string>

namespace nmt {

// What the schedule has learnt while training; part of the trainer's state,
// so a checkpoint carries it.
struct ScheduleState {
  double scale = 1.0;           // plateau: product of the decays so far
  int64_t bad_validations = 0;  // plateau: since the last improvement or decay
  // linear: the share of the time budget used, over all runs (a resumed run
  // spends what is left of it over its own budget).
  double time_progress = 0;
};

// How far along a run is at `step`: the larger of the steps' share of
// `max_steps` and the time budget's share used, in [0, 1] (a budget of 0 is none).
double budget_progress(long step, long max_steps, const ScheduleState& state);

class LrSchedule {
 public:
  // `max_steps` (0: none) ends the "linear" schedule; so does the time budget,
  // through ScheduleState::time_progress.
  LrSchedule(std::string kind, double peak, int warmup_steps, double decay_factor, int decay_patience,
             double min_lr, long max_steps = 0);

  // The rate for training step `step` (1-based).
  double at_step(long step, const ScheduleState& state = {}) const;
  // Reports a validation result (true = improved); plateau may decay the rate.
  // Returns true when it did.
  bool on_validation(bool improved, ScheduleState& state) const;

 private:
  std::string kind_;
  double peak_;
  int warmup_;
  double decay_factor_;
  int decay_patience_;
  double min_lr_;
  long max_steps_;
};

}  // namespace nmt
