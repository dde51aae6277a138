#pragma once
// Learning-rate schedules: constant (with optional linear warm-up), "noam"
// (linear warm-up to the peak, then inverse square root) and reduce-on-plateau.
#include <cstdint>
#include <string>

namespace nmt {

// What reduce-on-plateau has learnt from validations; part of the trainer's
// state, so a checkpoint carries it.
struct PlateauState {
  double scale = 1.0;           // product of the decays so far
  int64_t bad_validations = 0;  // since the last improvement or decay
};

class LrSchedule {
 public:
  LrSchedule(std::string kind, double peak, int warmup_steps, double decay_factor, int decay_patience,
             double min_lr);

  // The rate for training step `step` (1-based).
  double at_step(long step, const PlateauState& plateau = {}) const;
  // Reports a validation result (true = improved); plateau may decay the rate.
  // Returns true when it did.
  bool on_validation(bool improved, PlateauState& plateau) const;

 private:
  std::string kind_;
  double peak_;
  int warmup_;
  double decay_factor_;
  int decay_patience_;
  double min_lr_;
};

}  // namespace nmt
