#include "app/train/loss.h"

namespace nmt {

LossResult label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                               double smoothing, int64_t pad_id) {
  const auto log_probs = logits.log_softmax(-1).view({-1, logits.size(-1)});
  const auto flat = targets.reshape({-1});
  const auto real = flat.ne(pad_id);
  const auto nll = -log_probs.gather(1, flat.unsqueeze(1)).squeeze(1).masked_select(real);
  LossResult out;
  out.tokens = nll.size(0);
  out.nll = nll.sum().item<double>();
  if (smoothing > 0) {
    const auto uniform = -log_probs.mean(-1).masked_select(real);
    out.loss = (1 - smoothing) * nll.sum() + smoothing * uniform.sum();
  } else {
    out.loss = nll.sum();
  }
  return out;
}

}  // namespace nmt
