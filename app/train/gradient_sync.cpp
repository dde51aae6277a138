#include "app/train/gradient_sync.h"

#include <torch/torch.h>

#include <cstring>

namespace nmt {

torch::Tensor flat_gradients(std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> grads;
  for (auto& p : parameters) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
    grads.push_back(p.grad().reshape({-1}));
  }
  return torch::cat(grads);
}

void copy_to_gradients(const torch::Tensor& flat, std::vector<torch::Tensor>& parameters) {
  torch::NoGradGuard no_grad;
  int64_t offset = 0;
  for (auto& p : parameters) {
    const int64_t n = p.numel();
    p.mutable_grad().copy_(flat.narrow(0, offset, n).view_as(p));
    offset += n;
  }
}

int64_t all_reduce_gradients(ProcessGroup& group, models::Seq2SeqImpl& model, StepResult& totals) {
  auto parameters = model.parameters();
  auto flat = flat_gradients(parameters);
  group.all_reduce_sum(flat);
  copy_to_gradients(flat, parameters);
  all_reduce_statistics(group, totals);
  return flat.numel() * static_cast<int64_t>(flat.element_size());
}

void all_reduce_statistics(ProcessGroup& group, StepResult& totals) {
  // float64, so token counts and loss sums stay exact.
  auto stats = torch::tensor({totals.loss, totals.nll, static_cast<double>(totals.tokens)}, torch::kFloat64);
  group.all_reduce_sum(stats);
  totals.loss = stats[0].item<double>();
  totals.nll = stats[1].item<double>();
  totals.tokens = static_cast<int64_t>(stats[2].item<double>());
}

void broadcast_parameters(ProcessGroup& group, models::Seq2SeqImpl& model) {
  torch::NoGradGuard no_grad;
  for (auto& p : model.parameters()) group.broadcast(p);
  for (auto& b : model.buffers()) group.broadcast(b);
}

std::string broadcast_bytes(ProcessGroup& group, const std::string& bytes) {
  auto size = torch::tensor({static_cast<int64_t>(bytes.size())}, torch::kInt64);
  group.broadcast(size);
  auto buffer = torch::empty({size.item<int64_t>()}, torch::kUInt8);
  if (group.rank() == 0 && !bytes.empty()) std::memcpy(buffer.data_ptr(), bytes.data(), bytes.size());
  group.broadcast(buffer);
  return std::string(static_cast<const char*>(buffer.data_ptr()), static_cast<std::size_t>(buffer.numel()));
}

double slowest_rank_seconds(ProcessGroup& group, double seconds) {
  auto times = torch::zeros({group.size()}, torch::kFloat64);
  times[group.rank()] = seconds;
  group.all_reduce_sum(times);
  return times.max().item<double>();
}

}  // namespace nmt
