#include "app/train/gradient_buckets.h"

#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/torch.h>

#include "app/train/gradient_sync.h"

namespace nmt {

GradientBuckets::GradientBuckets(ProcessGroup& group, models::Seq2SeqImpl& model, double bucket_megabytes)
    : group_(group) {
  const auto parameters = model.parameters();
  const auto limit = static_cast<int64_t>(bucket_megabytes * 1e6);
  bucket_of_.resize(parameters.size());
  int64_t bytes = 0;  // in the last bucket
  for (std::size_t i = parameters.size(); i-- > 0;) {
    const auto& p = parameters[i];
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    // A parameter larger than the limit gets a bucket of its own.
    if (buckets_.empty() || bytes + size > limit) buckets_.emplace_back(), bytes = 0;
    buckets_.back().parameters.push_back(p);
    bytes += size;
    bucket_of_[i] = buckets_.size() - 1;
  }
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    auto accumulator = torch::autograd::impl::grad_accumulator(parameters[i]);
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
  if (armed_) ++launched_during_backward_;
  bucket.flat = flat_gradients(bucket.parameters);
  bucket.wait = group_.all_reduce_sum_async(bucket.flat);
}

int64_t GradientBuckets::finish(StepResult& totals) {
  armed_ = false;
  while (next_launch_ < buckets_.size()) launch(buckets_[next_launch_++]);
  int64_t bytes = 0;
  for (auto& bucket : buckets_) {
    bucket.wait();
    copy_to_gradients(bucket.flat, bucket.parameters);
    bytes += bucket.flat.numel() * static_cast<int64_t>(bucket.flat.element_size());
    bucket.flat = torch::Tensor();
    bucket.wait = nullptr;
  }
  all_reduce_statistics(group_, totals);
  return bytes;
}

}  // namespace nmt
