#include "app/train/gradient_buckets.h"

#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/torch.h>

#include "app/train/gradient_sync.h"

namespace nmt {

GradientBuckets::GradientBuckets(ProcessGroup& group, models::Seq2SeqImpl& model, double bucket_megabytes)
    : group_(group), parameters_(model.parameters()) {
  const auto limit = static_cast<int64_t>(bucket_megabytes * 1e6);
  bucket_of_.resize(parameters_.size());
  for (std::size_t i = parameters_.size(); i-- > 0;) {
    const auto& p = parameters_[i];
    const auto element = static_cast<int64_t>(p.element_size());
    // A parameter larger than the limit gets a bucket of its own.
    if (buckets_.empty() || (buckets_.back().elements + p.numel()) * element > limit) buckets_.emplace_back();
    buckets_.back().parameters.push_back(i);
    buckets_.back().elements += p.numel();
    bucket_of_[i] = buckets_.size() - 1;
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    auto accumulator = torch::autograd::impl::grad_accumulator(parameters_[i]);
    accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, i](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          if (armed_) mark_ready(i);
          return outputs;
        }));
    accumulators_.push_back(std::move(accumulator));
  }
}

GradientBuckets::~GradientBuckets() = default;

void GradientBuckets::arm() {
  armed_ = true;
  next_launch_ = 0;
  for (auto& b : buckets_) b.ready = 0, b.wait = nullptr;
}

void GradientBuckets::mark_ready(std::size_t parameter) {
  ++buckets_[bucket_of_[parameter]].ready;
  launch_ready_buckets();
}

void GradientBuckets::launch_ready_buckets() {
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].ready == buckets_[next_launch_].parameters.size())
    launch(buckets_[next_launch_++]);
}

void GradientBuckets::launch(Bucket& bucket) {
  torch::NoGradGuard no_grad;
  if (armed_) ++launched_during_backward_;
  std::vector<torch::Tensor> grads;
  for (auto i : bucket.parameters) {
    auto& p = parameters_[i];
    // No gradient this update (an unused parameter, or no batch on this rank): it adds zeros.
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad().reshape({-1}));
  }
  bucket.flat = torch::cat(grads);
  bucket.wait = group_.all_reduce_sum_async(bucket.flat);
}

int64_t GradientBuckets::finish(StepResult& totals) {
  torch::NoGradGuard no_grad;
  armed_ = false;
  while (next_launch_ < buckets_.size()) launch(buckets_[next_launch_++]);
  int64_t bytes = 0;
  for (auto& bucket : buckets_) {
    bucket.wait();
    int64_t offset = 0;
    for (auto i : bucket.parameters) {
      auto& p = parameters_[i];
      p.mutable_grad().copy_(bucket.flat.narrow(0, offset, p.numel()).view_as(p));
      offset += p.numel();
    }
    bytes += bucket.flat.numel() * static_cast<int64_t>(bucket.flat.element_size());
    bucket.flat = torch::Tensor();
    bucket.wait = nullptr;
  }
  all_reduce_statistics(group_, totals);
  return bytes;
}

}  // namespace nmt
