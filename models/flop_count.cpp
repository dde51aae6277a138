#include "models/flop_count.h"

namespace nmt::models {
namespace {
thread_local FlopCount* innermost = nullptr;
}  // namespace

FlopCount::FlopCount() : outer_(innermost) { innermost = this; }
FlopCount::~FlopCount() {
  innermost = outer_;
  if (outer_ != nullptr) outer_->flops_ += flops_;  // nested scopes count toward the outer too
}

void count_flops(double flops) {
  if (innermost != nullptr) innermost->flops_ += flops;
}

}  // namespace nmt::models
