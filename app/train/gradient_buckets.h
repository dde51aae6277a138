#pragma once
// Data-parallel gradient sync that overlaps the backward pass (the idea of
// PyTorch DDP's reducer, in small): the parameters are grouped into buckets of
// about training.gradient_buckets_mb, in the reverse of their registration
// order (about the order the backward pass finishes them). A hook after each
// parameter's gradient accumulation marks it ready; a bucket whose parameters
// are all ready is flattened and all-reduced asynchronously while the backward
// pass goes on. Buckets are launched strictly in order, so every rank issues
// the same collectives in the same order whatever its timing; finish()
// launches what is left, waits, and copies the sums back. The sums are those
// of all_reduce_gradients (gradient_sync.h): the same element-wise additions.
#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "app/train/distributed.h"
#include "app/train/train_step.h"
#include "models/seq2seq.h"

namespace torch::autograd {
struct Node;
}

namespace nmt {

class GradientBuckets {
 public:
  GradientBuckets(ProcessGroup& group, models::Seq2SeqImpl& model, double bucket_megabytes);
  ~GradientBuckets();
  GradientBuckets(const GradientBuckets&) = delete;
  GradientBuckets& operator=(const GradientBuckets&) = delete;

  // The next backward pass is the update's last (with accumulate_gradients
  // the earlier ones only add up): its gradients are final as they arrive.
  void arm();
  // After that backward pass (or none, for a rank without a batch): the rest
  // of the buckets, the wait, the sums in the gradients; the batch statistics
  // in `totals` summed over the ranks. Returns the bytes of gradient all-reduced.
  int64_t finish(StepResult& totals);

  std::size_t buckets() const { return buckets_.size(); }
  // Buckets launched while a backward pass still ran, over all updates so far.
  int64_t launched_during_backward() const { return launched_during_backward_; }

 private:
  struct Bucket {
    std::vector<torch::Tensor> parameters;
    std::size_t ready = 0;
    torch::Tensor flat;
    std::function<void()> wait;  // set once launched
  };
  void mark_ready(std::size_t parameter);
  void launch_ready_buckets();
  void launch(Bucket& bucket);

  ProcessGroup& group_;
  std::vector<std::size_t> bucket_of_;  // per parameter, in the model's order
  std::vector<Bucket> buckets_;
  std::size_t next_launch_ = 0;
  bool armed_ = false;
  int64_t launched_during_backward_ = 0;
  // The parameters' gradient accumulators, kept alive so that their hooks stay.
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
};

}  // namespace nmt
