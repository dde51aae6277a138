#include "models/transformer_seq2seq.h"

#include <torch/nn/functional/linear.h>
#include <torch/torch.h>

#include <cmath>

#include "data/special_ids.h"
#include "models/embedding.h"
#include "models/precision.h"

namespace nmt::models {
namespace {

struct TransformerState : DecoderState {
  std::vector<KeyValueCache> self_cache;  // per layer: [rows, heads, t, head_dim]
  std::vector<ProjectedKeyValue> memory;  // per layer: projected encoder output, [sentences, heads, S, head_dim]
  torch::Tensor memory_mask;              // [sentences, 1, 1, S]
  bool padded = true;                     // false: the mask masks nothing, steps skip it
  torch::Tensor step_mask() const { return padded ? memory_mask : torch::Tensor(); }
  int64_t beam = 1;                       // rows per sentence
  int64_t position = 0;

  void select(const torch::Tensor& indices) override {
    const auto rows = indices.to(memory_mask.device());
    for (auto& cache : self_cache) cache.select(rows);
    keep_sentences(sentences_of_rows(indices, beam, memory_mask.size(0)));
  }

  void widen(const torch::Tensor& indices, int64_t new_beam) override {
    TORCH_CHECK(beam == 1, "widening a state of ", beam, " rows a sentence");
    const auto rows = indices.to(memory_mask.device());
    for (auto& cache : self_cache) cache.select(rows);
    // Each group's rows are copies of its sentence's one row.
    keep_sentences(sentences_of_rows(indices.view({-1, new_beam}).select(1, 0).contiguous(), 1, memory_mask.size(0)));
    beam = new_beam;
  }

  void keep_sentences(const SentenceSelection& kept) {
    if (kept.unchanged) return;
    const auto sentences = kept.sentences.to(memory_mask.device());
    for (auto& kv : memory) {
      kv.keys = kv.keys.index_select(0, sentences);
      kv.values = kv.values.index_select(0, sentences);
    }
    memory_mask = memory_mask.index_select(0, sentences);
  }
};

}  // namespace

TransformerSeq2SeqImpl::TransformerSeq2SeqImpl(const ModelConfig& c, int64_t src_vocab, int64_t tgt_vocab,
                                               bool share_embeddings)
    : model_dim_(c.embedding_dim), pre_norm_(c.pre_norm), positions_(c.embedding_dim) {
  const int64_t D = model_dim_;
  src_embed_ = register_module("src_embed", token_embedding(src_vocab, D));
  tgt_embed_ = share_embeddings ? src_embed_ : register_module("tgt_embed", token_embedding(tgt_vocab, D));
  for (int i = 0; i < c.encoder_layers; ++i)
    encoder_layers_.push_back(register_module(
        "encoder" + std::to_string(i), TransformerEncoderLayer(D, c.heads, c.ff_dim, c.dropout, c.pre_norm)));
  for (int i = 0; i < c.decoder_layers; ++i)
    decoder_layers_.push_back(register_module(
        "decoder" + std::to_string(i), TransformerDecoderLayer(D, c.heads, c.ff_dim, c.dropout, c.pre_norm)));
  if (pre_norm_) {
    encoder_norm_ = register_module("encoder_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({D})));
    decoder_norm_ = register_module("decoder_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({D})));
  }
  output_weight_tied_ = c.tie_embeddings;
  output_weight_ = c.tie_embeddings
                       ? tgt_embed_->weight
                       : register_parameter("output_weight",
                                            torch::randn({tgt_vocab, D}) / std::sqrt(static_cast<double>(D)));
  output_bias_ = register_parameter("output_bias", torch::zeros({tgt_vocab}));
  dropout_ = register_module("dropout", Dropout(c.dropout));
}

torch::Tensor TransformerSeq2SeqImpl::embed(torch::nn::Embedding& table, const torch::Tensor& tokens,
                                            int64_t offset) {
  const auto scaled = table(tokens) * std::sqrt(static_cast<double>(model_dim_));
  return dropout_(positions_.add(scaled, offset));
}

torch::Tensor TransformerSeq2SeqImpl::output_logits(const torch::Tensor& hidden) {
  const auto h = pre_norm_ ? decoder_norm_(hidden) : hidden;
  return linear(h, output_weight_in_use(), output_bias_).to(torch::kFloat32);
}

EncoderMemory TransformerSeq2SeqImpl::encode(const torch::Tensor& src, const torch::Tensor& src_lengths) {
  check_source(src, src_lengths);
  EncoderMemory memory;
  memory.mask = src.ne(data::kPadId);  // [B, S]
  const auto attention_mask = memory.mask.unsqueeze(1).unsqueeze(1);
  auto x = embed(src_embed_, src, 0);
  for (auto& layer : encoder_layers_) x = layer(x, attention_mask);
  memory.states = pre_norm_ ? encoder_norm_(x) : x;
  return memory;
}

std::unique_ptr<DecoderState> TransformerSeq2SeqImpl::start(const EncoderMemory& memory, int64_t beam) {
  auto state = std::make_unique<TransformerState>();
  state->beam = beam;
  state->self_cache.resize(decoder_layers_.size());
  for (auto& layer : decoder_layers_) state->memory.push_back(layer->project_memory(memory.states));
  state->memory_mask = memory.mask.unsqueeze(1).unsqueeze(1);
  state->padded = has_padding(memory.mask);
  return state;
}

torch::Tensor TransformerSeq2SeqImpl::forward(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                              const torch::Tensor& tgt_in) {
  check_target(src, tgt_in);
  auto state_ptr = start(encode(src, src_lengths), 1);
  auto& state = static_cast<TransformerState&>(*state_ptr);
  const int64_t T = tgt_in.size(1);
  // Position t sees positions <= t. Target padding sits after the real tokens,
  // so the causal mask keeps it away from every real position too.
  const auto causal = torch::ones({T, T}, src.options().dtype(torch::kBool)).tril().view({1, 1, T, T});
  auto x = embed(tgt_embed_, tgt_in, 0);
  for (std::size_t l = 0; l < decoder_layers_.size(); ++l)
    x = decoder_layers_[l](x, state.self_cache[l], causal, state.memory[l], state.step_mask()).output;
  return output_logits(x);
}

StepOutput TransformerSeq2SeqImpl::step(const torch::Tensor& prev_tokens, DecoderState& base) {
  check_step_input(prev_tokens);
  auto& state = static_cast<TransformerState&>(base);
  auto x = embed(tgt_embed_, prev_tokens.unsqueeze(1), state.position++);  // [B, 1, D]
  std::vector<torch::Tensor> cross;
  for (std::size_t l = 0; l < decoder_layers_.size(); ++l) {
    // One new query over the cached prefix: no mask needed.
    auto out = decoder_layers_[l](x, state.self_cache[l], torch::Tensor(), state.memory[l], state.step_mask(),
                                  state.keep_attention);
    x = out.output;
    if (state.keep_attention) cross.push_back(out.cross_weights.squeeze(2));  // [B, heads, S]
  }
  StepOutput result;
  result.logits = output_logits(x).squeeze(1);
  if (state.keep_attention) {
    result.layer_attention = torch::stack(cross, 1);  // [B, layers, heads, S]
    result.attention = cross.back().mean(1);
  }
  return result;
}

}  // namespace nmt::models
