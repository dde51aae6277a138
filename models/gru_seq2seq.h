#pragma once
// The RNN translator: GRU encoder, bridge, Bahdanau-attention decoder and a
// "deep output" readout (decoder output, context and target embedding) into
// the vocabulary, optionally tied to the target embedding.
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

#include "models/bahdanau_decoder.h"
#include "models/dropout.h"
#include "models/gru_encoder.h"
#include "models/model_config.h"
#include "models/seq2seq.h"

namespace nmt::models {

class GruSeq2SeqImpl : public Seq2SeqImpl {
 public:
  // `share_embeddings`: one embedding for source and target (joint vocabulary).
  GruSeq2SeqImpl(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab, bool share_embeddings);

  torch::Tensor forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                        const torch::Tensor& tgt_in) override;
  EncoderMemory encode(const torch::Tensor& src, const torch::Tensor& src_lengths) override;
  std::unique_ptr<DecoderState> start(const EncoderMemory& memory, int64_t beam) override;
  StepOutput step(const torch::Tensor& prev_tokens, DecoderState& state) override;

 private:
  // [..., H], [..., D], [..., E] -> logits [..., V]
  torch::Tensor readout(const torch::Tensor& output, const torch::Tensor& context,
                        const torch::Tensor& embedded);

  torch::nn::Embedding src_embed_{nullptr}, tgt_embed_{nullptr};
  GruEncoder encoder_{nullptr};
  torch::nn::Linear bridge_{nullptr};
  BahdanauDecoder decoder_{nullptr};
  torch::nn::Linear pre_output_{nullptr};
  torch::Tensor output_bias_;
  Dropout dropout_{nullptr};
  int64_t decoder_layers_;
};

}  // namespace nmt::models
