#include "app/train/loss.h"

#include <torch/torch.h>

namespace nmt {
namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// Label-smoothed cross-entropy with its gradient written by hand. Autograd's
// version of the same formula (log_softmax, gather, mean) keeps the
// log-probabilities and builds three more [tokens, vocabulary] tensors in the
// backward pass (the gather's zero-filled gradient, their sum, log_softmax's
// gradient): the largest tensors of a training step. Here the softmax is kept
// and turned into the gradient in place: per real row, p - eps/V - (1 - eps) at
// the target. Outputs: the loss, and (without gradient) the plain NLL and the
// number of real tokens.
class SmoothedCrossEntropy : public torch::autograd::Function<SmoothedCrossEntropy> {
 public:
  // logits [N, V] fp32, targets [N] int64; rows whose target is pad_id count for nothing.
  static variable_list forward(AutogradContext* ctx, const torch::Tensor& logits, const torch::Tensor& targets,
                               double smoothing, int64_t pad_id) {
    const auto real = targets.ne(pad_id);
    const auto safe_targets = targets.masked_fill(real.logical_not(), 0).unsqueeze(1);  // [N, 1]
    auto log_probs = logits.log_softmax(-1);
    const auto target_lp = log_probs.gather(1, safe_targets).squeeze(1);
    const auto weight = real.to(log_probs.scalar_type());
    auto loss = -(target_lp * weight).sum();
    const auto nll = loss.clone();
    if (smoothing > 0) loss = (1 - smoothing) * loss - smoothing * (log_probs.mean(-1) * weight).sum();
    const auto tokens = weight.sum();
    ctx->mark_non_differentiable({nll, tokens});
    ctx->save_for_backward({log_probs.exp_(), safe_targets, weight});  // the softmax, in place
    ctx->saved_data["smoothing"] = smoothing;
    ctx->saved_data["spent"] = false;
    return {loss, nll, tokens};
  }

  static variable_list backward(AutogradContext* ctx, variable_list grad_outputs) {
    // The gradient overwrites the saved softmax: one backward pass per forward.
    TORCH_CHECK(!ctx->saved_data["spent"].toBool(), "the loss's backward pass can run only once (no retain_graph)");
    ctx->saved_data["spent"] = true;
    const auto saved = ctx->get_saved_variables();
    auto grad = saved[0];
    const auto& safe_targets = saved[1];
    const auto& weight = saved[2];
    const double smoothing = ctx->saved_data["smoothing"].toDouble();
    if (smoothing > 0) grad.sub_(smoothing / static_cast<double>(grad.size(1)));
    grad.scatter_add_(1, safe_targets, torch::full_like(safe_targets, -(1 - smoothing), grad.options()));
    grad.mul_((weight * grad_outputs[0]).unsqueeze(1));
    return {grad, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

LossResult label_smoothed_loss(const torch::Tensor& logits, const torch::Tensor& targets,
                               double smoothing, int64_t pad_id) {
  const auto flat_logits = logits.reshape({-1, logits.size(-1)});
  const auto outputs = SmoothedCrossEntropy::apply(flat_logits, targets.reshape({-1}), smoothing, pad_id);
  LossResult out;
  out.loss = outputs[0];
  out.nll = outputs[1].item<double>();
  out.tokens = static_cast<int64_t>(outputs[2].item<double>());
  return out;
}

}  // namespace nmt
