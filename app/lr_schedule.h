#pragma once
// Learning-rate schedules: constant (with optional linear warm-up), "noam"
// (linear warm-up to the peak, then inverse square root) and reduce-on-plateau.
#include <string>

namespace nmt {

class LrSchedule {
 public:
  LrSchedule(std::string kind, double peak, int warmup_steps, double decay_factor, int decay_patience,
             double min_lr);

  double at_step(long step) const;  // the rate for training step `step` (1-based)
  // Reports a validation result (true = improved); plateau may decay the rate.
  // Returns true when it did.
  bool on_validation(bool improved);

  // Plateau state, for checkpoints.
  double plateau_scale = 1.0;
  int bad_validations = 0;

 private:
  std::string kind_;
  double peak_;
  int warmup_;
  double decay_factor_;
  int decay_patience_;
  double min_lr_;
};

}  // namespace nmt
