#pragma once
// The Transformer translator (Vaswani et al. 2017): embeddings scaled by
// sqrt(D) plus sinusoidal positions, encoder and decoder stacks, and an output
// projection that shares the target embedding when tie_embeddings is set.
// d_model is the config's embedding_dim (hidden_dim is the GRU's).
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "models/dropout.h"
#include "models/model_config.h"
#include "models/positional_encoding.h"
#include "models/seq2seq.h"
#include "models/transformer_layers.h"

namespace nmt::models {

class TransformerSeq2SeqImpl : public Seq2SeqImpl {
 public:
  TransformerSeq2SeqImpl(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab, bool share_embeddings);

  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                        const torch::Tensor& tgt_in) override;
  EncoderMemory encode(const torch::Tensor& src, const torch::Tensor& src_lengths) override;
  std::unique_ptr<DecoderState> start(const EncoderMemory& memory, int64_t beam) override;
  // The step's attention is the last layer's cross-attention averaged over
  // heads; layer_attention has every layer and head.
  StepOutput step(const torch::Tensor& prev_tokens, DecoderState& state) override;

 private:
  torch::Tensor embed(torch::nn::Embedding& table, const torch::Tensor& tokens, int64_t offset);
  torch::Tensor output_logits(const torch::Tensor& hidden);

  int64_t model_dim_;
  bool pre_norm_;
  torch::nn::Embedding src_embed_{nullptr}, tgt_embed_{nullptr};
  PositionalEncoding positions_;
  std::vector<TransformerEncoderLayer> encoder_layers_;
  std::vector<TransformerDecoderLayer> decoder_layers_;
  torch::nn::LayerNorm encoder_norm_{nullptr}, decoder_norm_{nullptr};  // pre-norm only
  torch::Tensor output_bias_;
  Dropout dropout_{nullptr};
};

}  // namespace nmt::models
