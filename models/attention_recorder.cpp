#include "models/attention_recorder.h"

#include <torch/torch.h>

namespace nmt::models {
namespace {

thread_local AttentionRecorder* active = nullptr;

}  // namespace

AttentionRecorder::AttentionRecorder() : outer_(active) { active = this; }

AttentionRecorder::~AttentionRecorder() { active = outer_; }

void AttentionRecorder::record(SelfAttention kind, const torch::Tensor& weights) {
  if (active == nullptr) return;
  auto& layers = kind == SelfAttention::encoder ? active->encoder_ : active->decoder_;
  layers.push_back(weights.detach().to(torch::kCPU, torch::kFloat32));
}

}  // namespace nmt::models
