#include "app/train/lr_schedule.h"

#include <algorithm>
#include <cmath>

namespace nmt {

LrSchedule::LrSchedule(std::string kind, double peak, int warmup_steps, double decay_factor,
                       int decay_patience, double min_lr)
    : kind_(std::move(kind)), peak_(peak), warmup_(warmup_steps), decay_factor_(decay_factor),
      decay_patience_(decay_patience), min_lr_(min_lr) {}

double LrSchedule::at_step(long step, const PlateauState& plateau) const {
  const double s = static_cast<double>(std::max(1L, step));
  const double warm = warmup_ > 0 ? std::min(1.0, s / warmup_) : 1.0;
  if (kind_ == "noam") {
    if (warmup_ <= 0) return peak_ / std::sqrt(s);
    return peak_ * std::min(s / warmup_, std::sqrt(warmup_ / s));
  }
  if (kind_ == "plateau") return std::max(min_lr_, peak_ * plateau.scale) * warm;
  return peak_ * warm;
}

bool LrSchedule::on_validation(bool improved, PlateauState& plateau) const {
  if (kind_ != "plateau") return false;
  if (improved) {
    plateau.bad_validations = 0;
    return false;
  }
  if (++plateau.bad_validations <= decay_patience_) return false;
  plateau.bad_validations = 0;
  plateau.scale *= decay_factor_;
  return true;
}

}  // namespace nmt
