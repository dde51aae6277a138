#include "app/train/late_dropout.h"

#include "models/dropout.h"

namespace nmt {

bool LateDropout::update(models::Seq2SeqImpl& model, double progress) {
  if (rate_ < 0 || switched_ || progress < from_) return false;
  models::set_dropout(model, rate_);
  switched_ = true;
  return true;
}

}  // namespace nmt
