#pragma once
// Inverted dropout with a cheap random mask. LibTorch 1.13's CPU dropout
// (without MKL, as Debian builds it) draws one Mersenne-Twister number per
// element, ~11 ns each: a third of a Transformer training step here. This
// draws 16 bits per element from one xorshift generator, seeded from
// LibTorch's generator so torch::manual_seed still makes runs reproducible.
// p is rounded to a multiple of 1/65536. Other devices use torch::dropout.
#include <torch/nn/module.h>
#include <torch/types.h>

namespace nmt::models {

torch::Tensor fast_dropout(const torch::Tensor& x, double p, bool training);

// A module that applies dropout at a rate that may change while training
// (training.late_dropout). Rates live outside the weights: nothing is saved.
class DropoutRate {
 public:
  virtual ~DropoutRate() = default;
  virtual void set_dropout(double p) = 0;
};

// Every dropout of `model` and its submodules at rate `p`.
void set_dropout(torch::nn::Module& model, double p);

class DropoutImpl : public torch::nn::Module, public DropoutRate {
 public:
  explicit DropoutImpl(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& x) { return fast_dropout(x, p_, is_training()); }
  void set_dropout(double p) override { p_ = p; }

 private:
  double p_;
};
TORCH_MODULE(Dropout);

}  // namespace nmt::models
