#include "app/train/train_step.h"

#include <torch/torch.h>

#include <cmath>

#include "app/train/loss.h"
#include "data/special_ids.h"

namespace nmt {

StepResult& StepResult::operator+=(const StepResult& other) {
  loss += other.loss;
  nll += other.nll;
  tokens += other.tokens;
  return *this;
}

StepResult accumulate_gradients(models::Seq2SeqImpl& model, const data::Batch& batch, double label_smoothing,
                                models::Precision precision) {
  model.train();
  const models::PrecisionScope scope(precision);
  // The logits go straight into the loss, which does not keep them: the
  // largest tensor of the step is freed before the backward pass.
  auto loss = label_smoothed_loss(model.forward(batch.src, batch.src_lengths, batch.tgt_in), batch.tgt_out,
                                  label_smoothing, data::kPadId);
  StepResult out{0, loss.nll, loss.tokens};
  if (!std::isfinite(loss.nll)) return out;  // nothing to learn from; apply_update refuses it
  loss.loss.backward();
  out.loss = loss.loss.item<double>();
  return out;
}

bool apply_update(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer, const StepResult& totals,
                  double clip_norm) {
  if (!std::isfinite(totals.nll) || !std::isfinite(totals.loss) || totals.tokens == 0) {
    optimizer.zero_grad();
    return false;
  }
  torch::NoGradGuard no_grad;
  const double scale = 1.0 / static_cast<double>(totals.tokens);
  for (auto& p : model.parameters())
    if (p.grad().defined()) p.grad().mul_(scale);
  if (clip_norm > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), clip_norm);
  optimizer.step();
  optimizer.zero_grad();
  return true;
}

StepResult train_step(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                      const data::Batch& batch, double label_smoothing, double clip_norm,
                      models::Precision precision) {
  optimizer.zero_grad();
  const auto result = accumulate_gradients(model, batch, label_smoothing, precision);
  apply_update(model, optimizer, result, clip_norm);
  return result;
}

}  // namespace nmt
