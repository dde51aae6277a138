#include "models/gru_seq2seq.h"

#include <torch/nn/functional/linear.h>
#include <torch/torch.h>

#include <cmath>

#include "data/special_ids.h"
#include "models/embedding.h"
#include "models/precision.h"

namespace nmt::models {
namespace {

struct GruState : DecoderState {
  torch::Tensor hidden;          // [layers, rows, H]
  torch::Tensor memory;          // [sentences, S, D]
  torch::Tensor projected_keys;  // [sentences, S, H]
  torch::Tensor mask;            // [sentences, S]
  bool padded = true;            // false: the mask masks nothing, steps skip it
  torch::Tensor step_mask() const { return padded ? mask : torch::Tensor(); }
  int64_t beam = 1;              // rows per sentence

  void select(const torch::Tensor& indices) override {
    hidden = hidden.index_select(1, indices.to(hidden.device()));
    keep_sentences(sentences_of_rows(indices, beam, mask.size(0)));
  }

  void widen(const torch::Tensor& indices, int64_t new_beam) override {
    TORCH_CHECK(beam == 1, "widening a state of ", beam, " rows a sentence");
    hidden = hidden.index_select(1, indices.to(hidden.device()));
    // Each group's rows are copies of its sentence's one row.
    keep_sentences(sentences_of_rows(indices.view({-1, new_beam}).select(1, 0).contiguous(), 1, mask.size(0)));
    beam = new_beam;
  }

  void keep_sentences(const SentenceSelection& kept) {
    if (kept.unchanged) return;
    const auto sentences = kept.sentences.to(mask.device());
    memory = memory.index_select(0, sentences);
    projected_keys = projected_keys.index_select(0, sentences);
    mask = mask.index_select(0, sentences);
  }
};

}  // namespace

GruSeq2SeqImpl::GruSeq2SeqImpl(const ModelConfig& c, int64_t src_vocab, int64_t tgt_vocab,
                               bool share_embeddings)
    : decoder_layers_(c.decoder_layers) {
  const int64_t E = c.embedding_dim, H = c.hidden_dim;
  // A shared embedding is registered once, so the optimizer sees it once.
  src_embed_ = register_module("src_embed", token_embedding(src_vocab, E));
  tgt_embed_ = share_embeddings ? src_embed_ : register_module("tgt_embed", token_embedding(tgt_vocab, E));
  encoder_ = register_module("encoder", GruEncoder(E, H, c.encoder_layers, c.bidirectional, c.dropout));
  bridge_ = register_module("bridge", torch::nn::Linear(encoder_->output_dim(), H));
  decoder_ = register_module("decoder",
                             BahdanauDecoder(E, encoder_->output_dim(), H, c.decoder_layers, c.dropout));
  pre_output_ = register_module("pre_output", torch::nn::Linear(H + encoder_->output_dim() + E, E));
  output_weight_tied_ = c.tie_embeddings;
  output_weight_ = c.tie_embeddings ? tgt_embed_->weight
                                    : register_parameter("output_weight", torch::randn({tgt_vocab, E}) / std::sqrt(static_cast<double>(E)));
  output_bias_ = register_parameter("output_bias", torch::zeros({tgt_vocab}));
  dropout_ = register_module("dropout", Dropout(c.dropout));
}

EncoderMemory GruSeq2SeqImpl::encode(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  check_source(src, src_lengths);
  const auto encoded = encoder_(dropout_(src_embed_(src)), src_lengths);
  EncoderMemory memory;
  memory.states = dropout_(encoded.states);
  memory.mask = src.ne(data::kPadId);
  memory.summary = torch::tanh(linear(bridge_, encoded.final)).to(torch::kFloat32);  // [B, H]
  return memory;
}

std::unique_ptr<DecoderState> GruSeq2SeqImpl::start(const EncoderMemory& memory, int64_t beam) {
  auto state = std::make_unique<GruState>();
  state->beam = beam;
  const auto summary = beam == 1 ? memory.summary : memory.summary.repeat_interleave(beam, 0);
  state->hidden = summary.unsqueeze(0).repeat({decoder_layers_, 1, 1}).contiguous();
  state->memory = memory.states;
  state->projected_keys = decoder_->project_keys(memory.states);
  state->mask = memory.mask;
  state->padded = has_padding(memory.mask);
  return state;
}

torch::Tensor GruSeq2SeqImpl::readout(const torch::Tensor& output, const torch::Tensor& context,
                                      const torch::Tensor& embedded) {
  const auto hidden = torch::tanh(linear(pre_output_, torch::cat({output, context, embedded}, -1)));
  return linear(dropout_(hidden), output_weight_in_use(), output_bias_).to(torch::kFloat32);
}

torch::Tensor GruSeq2SeqImpl::forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                      const torch::Tensor& tgt_in) {
  check_target(src, tgt_in);
  auto state_ptr = start(encode(src, src_lengths), 1);
  auto& state = static_cast<GruState&>(*state_ptr);
  const auto embedded = dropout_(tgt_embed_(tgt_in));  // [B, T, E]
  // [B, 3H] per step from one product for all steps; unbind, not select: the
  // gradient of an unbind is one stack, a select's a zero-filled [B, T, 3H] per step.
  const auto gates = decoder_->embedding_gates(embedded).unbind(1);
  std::vector<torch::Tensor> outputs, contexts;
  for (const auto& step_gates : gates) {
    auto s = decoder_->step_from_gates(step_gates, state.hidden, state.memory, state.projected_keys,
                                       state.step_mask());
    outputs.push_back(s.output);
    contexts.push_back(s.context);
  }
  // The readout and the vocabulary projection run once over all positions.
  return readout(torch::stack(outputs, 1), torch::stack(contexts, 1), embedded);
}

StepOutput GruSeq2SeqImpl::step(const torch::Tensor& prev_tokens, DecoderState& base) {
  check_step_input(prev_tokens);
  auto& state = static_cast<GruState&>(base);
  const auto embedded = dropout_(tgt_embed_(prev_tokens));  // [B, E]
  auto s = decoder_->step(embedded, state.hidden, state.memory, state.projected_keys, state.step_mask());
  return {readout(s.output, s.context, embedded), s.weights, {}};
}

}  // namespace nmt::models
