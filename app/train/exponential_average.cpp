#include "app/train/exponential_average.h"

#include <torch/torch.h>

#include <algorithm>

#include "common/error.h"

namespace nmt {

ExponentialAverage::ExponentialAverage(torch::nn::Module& model, double decay) : decay_(decay) {
  if (!(decay >= 0 && decay < 1)) throw Error("training.ema_decay must be in [0, 1), got " + std::to_string(decay));
  const torch::NoGradGuard no_grad;
  for (const auto& p : model.named_parameters()) {
    names_.push_back(p.key());
    parameters_.push_back(p.value());
    average_.push_back(p.value().detach().clone());
  }
}

double ExponentialAverage::decay_at(double decay, int64_t step) {
  return std::min(decay, (1.0 + static_cast<double>(step)) / (10.0 + static_cast<double>(step)));
}

void ExponentialAverage::update(int64_t step) {
  const torch::NoGradGuard no_grad;
  const double weight = 1 - decay_at(decay_, step);
  // average += (1 - d) * (parameter - average), one fused op per tensor.
  for (std::size_t i = 0; i < average_.size(); ++i) average_[i].lerp_(parameters_[i], weight);
}

void ExponentialAverage::write(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive values;
  for (std::size_t i = 0; i < average_.size(); ++i) values.write(names_[i], average_[i]);
  archive.write("exponential_average", values);
}

bool ExponentialAverage::read(torch::serialize::InputArchive& archive, const std::string& file) {
  torch::serialize::InputArchive values;
  if (!archive.try_read("exponential_average", values)) return false;
  const torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < average_.size(); ++i) {
    torch::Tensor t;
    if (!values.try_read(names_[i], t))
      throw Error(file + ": the parameter average has no '" + names_[i] + "' (another model?)");
    if (t.sizes() != average_[i].sizes())
      throw Error(file + ": the parameter average's '" + names_[i] + "' has shape " + c10::str(t.sizes()) +
                  ", the model's " + c10::str(average_[i].sizes()));
    average_[i].copy_(t);
  }
  return true;
}

ExponentialAverage::Applied::Applied(const ExponentialAverage* average) : average_(average) {
  if (!average_) return;
  const torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < average_->parameters_.size(); ++i) {
    raw_.push_back(average_->parameters_[i].detach().clone());
    // copy_ (not a swap of storage) moves the version counter, so cached
    // bf16 copies of the weights are made again.
    average_->parameters_[i].copy_(average_->average_[i]);
  }
}

ExponentialAverage::Applied::~Applied() {
  if (!average_) return;
  const torch::NoGradGuard no_grad;
  for (std::size_t i = 0; i < raw_.size(); ++i) average_->parameters_[i].copy_(raw_[i]);
}

}  // namespace nmt
