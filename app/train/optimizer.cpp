#include "app/train/optimizer.h"

namespace nmt {

std::unique_ptr<torch::optim::Adam> make_optimizer(const TrainingConfig& t, models::Seq2SeqImpl& model) {
  return std::make_unique<torch::optim::Adam>(
      model.parameters(),
      torch::optim::AdamOptions(t.learning_rate).betas({t.adam_beta1, t.adam_beta2}).weight_decay(t.weight_decay));
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

}  // namespace nmt
