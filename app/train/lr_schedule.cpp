#include "app/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace nmt {

LrSchedule::LrSchedule(std::string kind, double peak, int warmup_steps, double decay_factor,
                       int decay_patience, double min_lr, long max_steps)
    : kind_(std::move(kind)), peak_(peak), warmup_(warmup_steps), decay_factor_(decay_factor),
      decay_patience_(decay_patience), min_lr_(min_lr), max_steps_(max_steps) {}

double budget_progress(long step, long max_steps, const ScheduleState& state) {
  const double by_steps = max_steps > 0 ? static_cast<double>(step) / static_cast<double>(max_steps) : 0.0;
  return std::clamp(std::max(by_steps, state.time_progress), 0.0, 1.0);
}

double LrSchedule::at_step(long step, const ScheduleState& state) const {
  const double s = static_cast<double>(std::max(1L, step));
  const double warm = warmup_ > 0 ? std::min(1.0, s / warmup_) : 1.0;
  if (kind_ == "noam") {
    if (warmup_ <= 0) return peak_ / std::sqrt(s);
    return peak_ * std::min(s / warmup_, std::sqrt(warmup_ / s));
  }
  if (kind_ == "plateau") return std::max(min_lr_, peak_ * state.scale) * warm;
  if (kind_ == "linear") {
    // Whichever budget is nearer its end decides. Annealing to the floor as a
    // fixed budget runs out is "budgeted training" (Li et al. 2020); for the
    // Multi30k Transformer's hour it lost (docs/recipes/multi30k.md).
    return std::max(min_lr_, peak_ * warm * (1 - budget_progress(std::max(1L, step), max_steps_, state)));
  }
  return peak_ * warm;
}

bool LrSchedule::on_validation(bool improved, ScheduleState& state) const {
  if (kind_ != "plateau") return false;
  if (improved) {
    state.bad_validations = 0;
    return false;
  }
  if (++state.bad_validations <= decay_patience_) return false;
  state.bad_validations = 0;
  state.scale *= decay_factor_;
  return true;
}

}  // namespace nmt
