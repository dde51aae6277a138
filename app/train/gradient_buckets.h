#pragma once
// Data-parallel gradient sync that overlaps the backward pass (the idea of
// PyTorch DDP's reducer, in small): the parameters are grouped into buckets of
// about training.gradient_buckets_mb, in the reverse of their registration
// order (about the order the backward pass finishes them; rebuilding them in
// the observed order, as DDP does, was measured and gained nothing here). A
// hook after each parameter's gradient accumulation marks it ready; a bucket
// whose parameters are all ready is flattened and all-reduced asynchronously
// while the backward pass goes on. Buckets are launched strictly in order, so
// every rank issues the same collectives in the same order whatever its
// timing; finish() launches what is left, waits, and copies the sums back. The
// sums are those of all_reduce_gradients (gradient_sync.h): the same
// element-wise additions.
//
// A tied embedding (the output layer's weight too) is the exception: its
// gradient is complete only at the very end of the backward pass, the
// lookups' part arriving last. So its two parts travel apart: the output
// layer's, dense, goes first, as soon as the backward pass has made it
// (Seq2SeqImpl::set_output_weight_hook); the lookups' goes last, only the
// rows some rank looked up (a small all-reduce of which rows, then of those
// rows). The gradient is the same sum added in another order: equal to
// rounding, not bit for bit.
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

  // Collectives per update: the buckets, and a tied embedding's two parts.
  std::size_t buckets() const { return buckets_.size() + (tied_ != kNone ? 2 : 0); }
  // Whether a tied embedding's gradient is sent in two parts (see above).
  bool splits_tied_embedding() const { return tied_ != kNone; }
  // The share of the tied embedding's rows sent with the lookups' part, over all updates so far.
  double lookup_row_share() const {
    return lookup_rows_ == 0 ? 0.0 : static_cast<double>(lookup_rows_sent_) / static_cast<double>(lookup_rows_);
  }
  // Buckets launched while a backward pass still ran, over all updates so far.
  int64_t launched_during_backward() const { return launched_during_backward_; }
  // Of finish()'s time, the lookups' part (after the buckets), over all updates so far.
  double lookup_part_seconds() const { return lookup_part_seconds_; }

 private:
  struct Bucket {
    std::vector<torch::Tensor> parameters;
    std::size_t ready = 0;
    torch::Tensor flat;
    std::function<void()> wait;  // set once launched
  };
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);

  void mark_ready(std::size_t parameter);
  void launch_ready_buckets();
  void launch(Bucket& bucket);
  // The output layer's part of the tied embedding's gradient, from the hook:
  // kept (summed over the update's backward passes), zeros passed on.
  torch::Tensor take_output_part(const torch::Tensor& gradient);
  void launch_output_part();
  // The lookups' part (the tied embedding's own gradient): its rows that some
  // rank has, summed, then the output layer's part added. Returns the bytes sent.
  int64_t reduce_lookup_part();

  ProcessGroup& group_;
  models::Seq2SeqImpl& model_;
  std::vector<torch::Tensor> parameters_;
  std::vector<std::size_t> bucket_of_;  // per parameter, in the model's order (kNone: the tied embedding)
  std::vector<Bucket> buckets_;
  std::size_t next_launch_ = 0;
  bool armed_ = false;
  int64_t launched_during_backward_ = 0;
  // The tied embedding (its index in parameters_), or kNone.
  std::size_t tied_ = kNone;
  torch::Tensor output_part_;  // the gradient the hook was handed, not a copy
  bool output_part_ready_ = false;
  std::function<void()> output_part_wait_;  // set once launched
  int64_t lookup_rows_ = 0, lookup_rows_sent_ = 0;
  double lookup_part_seconds_ = 0;
  // The parameters' gradient accumulators, kept alive so that their hooks stay.
  std::vector<std::shared_ptr<torch::autograd::Node>> accumulators_;
};

}  // namespace nmt
