#include "models/bahdanau_decoder.h"

#include "models/flop_count.h"

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
  // The previous top-layer states of a sentence's g hypotheses are g queries
  // over its memory: [N, g, H].
  const int64_t rows = embedded.size(0), sentences = memory.size(0), g = rows / sentences;
  const auto query = hidden[-1].view({sentences, g, hidden.size(2)});
  auto attended = attention_(query, projected_keys, memory, mask);
  const auto context = attended.context.reshape({rows, 1, attended.context.size(2)});
  const auto input = torch::cat({embedded.unsqueeze(1), context}, -1);
  auto [output, new_hidden] = gru_(input, hidden);
  const auto& o = gru_->options;
  for (int64_t l = 0; l < o.num_layers(); ++l)
    count_matmul(1, static_cast<double>(rows), static_cast<double>((l == 0 ? input.size(2) : o.hidden_size()) +
                                                                   o.hidden_size()),
                 3.0 * o.hidden_size());
  hidden = new_hidden;
  return {output.squeeze(1), context.squeeze(1), attended.weights.reshape({rows, attended.weights.size(2)})};
}

}  // namespace nmt::models
