#include "models/bahdanau_decoder.h"

namespace nmt::models {

BahdanauDecoderImpl::BahdanauDecoderImpl(int64_t embedding_dim, int64_t memory_dim, int64_t hidden_dim,
                                         int64_t layers, double dropout) {
  attention_ = register_module("attention", AdditiveAttention(hidden_dim, memory_dim, hidden_dim));
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(embedding_dim + memory_dim, hidden_dim)
                                                   .num_layers(layers)
                                                   .batch_first(true)
                                                   .dropout(layers > 1 ? dropout : 0.0)));
}

BahdanauStep BahdanauDecoderImpl::step(const torch::Tensor& embedded, torch::Tensor& hidden,
                                       const torch::Tensor& memory, const torch::Tensor& projected_keys,
                                       const torch::Tensor& mask) {
  const auto query = hidden[-1].unsqueeze(1);  // [B, 1, H]: previous top-layer state
  auto attended = attention_(query, projected_keys, memory, mask);
  const auto input = torch::cat({embedded.unsqueeze(1), attended.context}, -1);
  auto [output, new_hidden] = gru_(input, hidden);
  hidden = new_hidden;
  return {output.squeeze(1), attended.context.squeeze(1), attended.weights.squeeze(1)};
}

}  // namespace nmt::models
