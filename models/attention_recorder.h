#pragma once
// The Transformer's self-attention weights, for pictures: while a recorder is
// active on a thread, every encoder and decoder layer that runs there adds its
// self-attention weights, layer after layer. A teacher-forced pass over a
// finished translation then yields the encoder's maps (source by source) and
// the decoder's causal ones (target by target), which step-by-step search,
// which sees one target position at a time, cannot draw whole.
#include <torch/types.h>

#include <vector>

namespace nmt::models {

enum class SelfAttention { encoder, decoder };

class AttentionRecorder {
 public:
  AttentionRecorder();  // active on this thread until destroyed
  ~AttentionRecorder();
  AttentionRecorder(const AttentionRecorder&) = delete;
  AttentionRecorder& operator=(const AttentionRecorder&) = delete;

  // Adds one layer's weights [B, heads, Q, K] to the active recorder, if any.
  static void record(SelfAttention kind, const torch::Tensor& weights);
  // Per layer, in the order they ran: fp32 on the CPU.
  const std::vector<torch::Tensor>& layers(SelfAttention kind) const {
    return kind == SelfAttention::encoder ? encoder_ : decoder_;
  }

 private:
  std::vector<torch::Tensor> encoder_, decoder_;
  AttentionRecorder* outer_;
};

}  // namespace nmt::models
