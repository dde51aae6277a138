#include "app/train_step.h"

#include <torch/torch.h>

#include <cmath>

#include "app/loss.h"
#include "data/tokenizer.h"

namespace nmt {

StepResult train_step(models::Seq2SeqImpl& model, torch::optim::Optimizer& optimizer,
                      const data::Batch& batch, double label_smoothing, double clip_norm) {
  model.train();
  const auto logits = model.forward(batch.src, batch.src_lengths, batch.tgt_in);
  auto loss = label_smoothed_loss(logits, batch.tgt_out, label_smoothing, data::kPadId);
  StepResult out{0, loss.nll, loss.tokens};
  if (!std::isfinite(loss.nll)) return out;
  optimizer.zero_grad();
  (loss.loss / static_cast<double>(loss.tokens)).backward();
  if (clip_norm > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), clip_norm);
  optimizer.step();
  out.loss = loss.loss.item<double>();
  return out;
}

}  // namespace nmt
