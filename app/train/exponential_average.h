#pragma once
// Parameter averaging while training (Marian's exponential smoothing): an
// exponential moving average of the fp32 parameters, updated after every
// optimizer step. Validation, best.pt and the weights a run keeps are the
// averaged ones; the optimizer goes on with the raw ones.
#include <torch/nn/module.h>
#include <torch/serialize/archive.h>

#include <cstdint>
#include <string>
#include <vector>

namespace nmt {

class ExponentialAverage {
 public:
  // Starts the average at the model's current parameters. decay in [0, 1)
  // (0: the average is always the latest parameters).
  ExponentialAverage(torch::nn::Module& model, double decay);

  // After optimizer step `step` (1-based): average = d * average + (1 - d) *
  // parameter, with d = min(decay, (1 + step) / (10 + step)), so the first
  // steps' random weights fade fast (as Marian and TensorFlow's
  // ExponentialMovingAverage with num_updates do).
  void update(int64_t step);
  static double decay_at(double decay, int64_t step);

  // The averaged values, in the model's parameter order.
  const std::vector<torch::Tensor>& values() const { return average_; }

  // Part of the checkpoint, so that a resumed run averages on exactly as an
  // uninterrupted one. read() returns false when the archive has no average
  // (a checkpoint of a run without one); it throws on one of another model.
  void write(torch::serialize::OutputArchive& archive) const;
  bool read(torch::serialize::InputArchive& archive, const std::string& file);

  // The averaged weights in the model for the scope, the raw ones after it.
  class Applied {
   public:
    explicit Applied(const ExponentialAverage* average);  // null: nothing to swap
    ~Applied();
    Applied(const Applied&) = delete;
    Applied& operator=(const Applied&) = delete;

   private:
    const ExponentialAverage* average_;
    std::vector<torch::Tensor> raw_;
  };

 private:
  std::vector<torch::Tensor> parameters_;  // the model's, shared
  std::vector<std::string> names_;
  std::vector<torch::Tensor> average_;
  double decay_;
};

}  // namespace nmt
