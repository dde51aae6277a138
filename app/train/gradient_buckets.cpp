#include "app/train/gradient_buckets.h"

#include <torch/csrc/autograd/utils/lambda_post_hook.h>
#include <torch/csrc/autograd/variable.h>
#include <torch/torch.h>

#include "app/train/gradient_sync.h"
#include "common/stopwatch.h"

namespace nmt {

GradientBuckets::GradientBuckets(ProcessGroup& group, models::Seq2SeqImpl& model, double bucket_megabytes)
    : group_(group), model_(model), parameters_(model.parameters()) {
  if (model.output_weight_tied())
    for (std::size_t i = 0; i < parameters_.size(); ++i)
      if (parameters_[i].is_same(model.output_weight())) tied_ = i;
  const auto limit = static_cast<int64_t>(bucket_megabytes * 1e6);
  bucket_of_.assign(parameters_.size(), kNone);
  int64_t bytes = 0;  // in the last bucket
  for (std::size_t i = parameters_.size(); i-- > 0;) {
    if (i == tied_) continue;
    const auto& p = parameters_[i];
    const int64_t size = p.numel() * static_cast<int64_t>(p.element_size());
    // A parameter larger than the limit gets a bucket of its own.
    if (buckets_.empty() || bytes + size > limit) buckets_.emplace_back(), bytes = 0;
    buckets_.back().parameters.push_back(p);
    bytes += size;
    bucket_of_[i] = buckets_.size() - 1;
  }
  for (std::size_t i = 0; i < parameters_.size(); ++i) {
    if (i == tied_) continue;
    auto accumulator = torch::autograd::impl::grad_accumulator(parameters_[i]);
    accumulator->add_post_hook(std::make_unique<torch::autograd::utils::LambdaPostHook>(
        [this, i](const torch::autograd::variable_list& outputs, const torch::autograd::variable_list&) {
          if (armed_) mark_ready(i);
          return outputs;
        }));
    accumulators_.push_back(std::move(accumulator));
  }
  if (tied_ != kNone) model_.set_output_weight_hook([this](torch::Tensor g) { return take_output_part(g); });
}

GradientBuckets::~GradientBuckets() {
  if (tied_ != kNone) model_.set_output_weight_hook(nullptr);
}

void GradientBuckets::arm() {
  armed_ = true;
  next_launch_ = 0;
  for (auto& b : buckets_) b.ready = 0, b.wait = nullptr;
  output_part_ready_ = false;
  output_part_wait_ = nullptr;
}

void GradientBuckets::mark_ready(std::size_t parameter) {
  ++buckets_[bucket_of_[parameter]].ready;
  launch_ready_buckets();
}

void GradientBuckets::launch_ready_buckets() {
  // The output layer's part first: the backward pass makes it before any bucket is complete.
  if (tied_ != kNone && !output_part_wait_) {
    if (!output_part_ready_) return;
    launch_output_part();
  }
  while (next_launch_ < buckets_.size() && buckets_[next_launch_].ready == buckets_[next_launch_].parameters.size())
    launch(buckets_[next_launch_++]);
}

void GradientBuckets::launch(Bucket& bucket) {
  if (armed_) ++launched_during_backward_;
  bucket.flat = flat_gradients(bucket.parameters);
  bucket.wait = group_.all_reduce_sum_async(bucket.flat);
}

torch::Tensor GradientBuckets::take_output_part(const torch::Tensor& gradient) {
  torch::NoGradGuard no_grad;
  // The backward pass hands over a gradient of its own making and goes on with
  // the zeros returned: kept as it is, no copy (summed into with accumulation).
  if (output_part_.defined()) output_part_.add_(gradient);
  else output_part_ = gradient.contiguous();
  if (armed_) {
    output_part_ready_ = true;
    launch_ready_buckets();
  }
  return torch::zeros_like(gradient);
}

void GradientBuckets::launch_output_part() {
  if (armed_) ++launched_during_backward_;
  // A rank without a batch this update adds zeros.
  if (!output_part_.defined()) output_part_ = torch::zeros_like(parameters_[tied_]);
  output_part_wait_ = group_.all_reduce_sum_async(output_part_);
}

int64_t GradientBuckets::reduce_lookup_part() {
  torch::NoGradGuard no_grad;
  auto& weight = parameters_[tied_];
  if (!weight.grad().defined()) weight.mutable_grad() = torch::zeros_like(weight);
  auto gradient = weight.mutable_grad();
  // A row of zeros here adds nothing: only rows that some rank looked up are summed.
  auto used = gradient.ne(0).any(1).to(torch::kFloat32);
  group_.all_reduce_sum(used);
  const auto rows = used.nonzero().squeeze(1);
  auto part = gradient.index_select(0, rows);
  group_.all_reduce_sum(part);
  gradient.index_copy_(0, rows, part);
  lookup_rows_ += gradient.size(0);
  lookup_rows_sent_ += rows.size(0);
  output_part_wait_();
  gradient.add_(output_part_);
  const int64_t bytes = (used.numel() + part.numel() + output_part_.numel()) * static_cast<int64_t>(sizeof(float));
  output_part_ = torch::Tensor();
  output_part_wait_ = nullptr;
  output_part_ready_ = false;
  return bytes;
}

int64_t GradientBuckets::finish(StepResult& totals) {
  armed_ = false;
  if (tied_ != kNone && !output_part_wait_) launch_output_part();
  while (next_launch_ < buckets_.size()) launch(buckets_[next_launch_++]);
  int64_t bytes = 0;
  for (auto& bucket : buckets_) {
    bucket.wait();
    copy_to_gradients(bucket.flat, bucket.parameters);
    bytes += bucket.flat.numel() * static_cast<int64_t>(bucket.flat.element_size());
    bucket.flat = torch::Tensor();
    bucket.wait = nullptr;
  }
  // Timed apart: the collectives run in order, so this is the lookups' own share of the wait.
  if (tied_ != kNone) {
    const auto start = Clock::now();
    bytes += reduce_lookup_part();
    lookup_part_seconds_ += seconds_since(start);
  }
  all_reduce_statistics(group_, totals);
  return bytes;
}

}  // namespace nmt
