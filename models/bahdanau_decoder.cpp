#include "models/bahdanau_decoder.h"

#include <torch/torch.h>

#include "models/dropout.h"
#include "models/gru_cell.h"
#include "models/precision.h"

namespace nmt::models {

BahdanauDecoderImpl::BahdanauDecoderImpl(int64_t embedding_dim, int64_t memory_dim, int64_t hidden_dim,
                                         int64_t layers, double dropout)
    : embedding_dim_(embedding_dim), dropout_(layers > 1 ? dropout : 0.0) {
  attention_ = register_module("attention", AdditiveAttention(hidden_dim, memory_dim, hidden_dim));
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(embedding_dim + memory_dim, hidden_dim)
                                                   .num_layers(layers)
                                                   .batch_first(true)
                                                   .dropout(dropout_)));
  auto params = gru_->named_parameters(/*recurse=*/false);
  for (int64_t l = 0; l < layers; ++l) {
    const auto suffix = "_l" + std::to_string(l);
    w_ih_.push_back(params["weight_ih" + suffix]);
    w_hh_.push_back(params["weight_hh" + suffix]);
    b_ih_.push_back(params["bias_ih" + suffix]);
    b_hh_.push_back(params["bias_hh" + suffix]);
  }
}

torch::Tensor BahdanauDecoderImpl::embedding_gates(const torch::Tensor& embedded) {
  return linear(embedded, w_ih_[0].narrow(1, 0, embedding_dim_), b_ih_[0]);
}

AttentionOutput BahdanauDecoderImpl::attend(const torch::Tensor& hidden, const torch::Tensor& memory,
                                            const torch::Tensor& projected_keys, const torch::Tensor& mask) {
  // The previous top-layer states of a sentence's g hypotheses are g queries
  // over its memory: [N, g, H].
  const int64_t sentences = memory.size(0), g = hidden.size(1) / sentences;
  return attention_(hidden[-1].view({sentences, g, hidden.size(2)}), projected_keys, memory, mask);
}

torch::Tensor BahdanauDecoderImpl::advance(const torch::Tensor& first_input_gates, torch::Tensor& hidden) {
  std::vector<torch::Tensor> states;
  torch::Tensor input_gates = first_input_gates, output;
  for (std::size_t l = 0; l < w_hh_.size(); ++l) {
    if (l > 0) input_gates = linear(fast_dropout(output, dropout_, is_training()), w_ih_[l], b_ih_[l]);
    output = gru_cell(input_gates, linear(hidden[l], w_hh_[l], b_hh_[l]), hidden[l]);
    states.push_back(output);
  }
  hidden = states.size() == 1 ? output.unsqueeze(0) : torch::stack(states);
  return output;
}

BahdanauStep BahdanauDecoderImpl::step_with(const FirstLayerGates& first_layer_gates, torch::Tensor& hidden,
                                            const torch::Tensor& memory, const torch::Tensor& projected_keys,
                                            const torch::Tensor& mask) {
  const RecurrentProducts recurrent;
  const int64_t rows = hidden.size(1);
  const auto attended = attend(hidden, memory, projected_keys, mask);
  const auto context = attended.context.reshape({rows, attended.context.size(2)});
  const auto output = advance(first_layer_gates(context), hidden);
  return {output, context, attended.weights.reshape({rows, attended.weights.size(2)})};
}

BahdanauStep BahdanauDecoderImpl::step(const torch::Tensor& embedded, torch::Tensor& hidden,
                                       const torch::Tensor& memory, const torch::Tensor& projected_keys,
                                       const torch::Tensor& mask) {
  const auto gates = [&](const torch::Tensor& context) {
    return linear(torch::cat({embedded, context}, -1), w_ih_[0], b_ih_[0]);
  };
  return step_with(gates, hidden, memory, projected_keys, mask);
}

BahdanauStep BahdanauDecoderImpl::step_from_gates(const torch::Tensor& embedding_gates, torch::Tensor& hidden,
                                                  const torch::Tensor& memory,
                                                  const torch::Tensor& projected_keys, const torch::Tensor& mask) {
  const auto gates = [&](const torch::Tensor& context) {
    const auto context_weight = w_ih_[0].narrow(1, embedding_dim_, w_ih_[0].size(1) - embedding_dim_);
    return embedding_gates + models::linear(context, context_weight, {});
  };
  return step_with(gates, hidden, memory, projected_keys, mask);
}

}  // namespace nmt::models
