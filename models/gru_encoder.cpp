#include "models/gru_encoder.h"

#include <torch/nn/utils/rnn.h>

#include "models/flop_count.h"

namespace nmt::models {

GruEncoderImpl::GruEncoderImpl(int64_t input_dim, int64_t hidden_dim, int64_t layers,
                               bool bidirectional, double dropout)
    : output_dim_(hidden_dim * (bidirectional ? 2 : 1)), bidirectional_(bidirectional) {
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(input_dim, hidden_dim)
                                                   .num_layers(layers)
                                                   .bidirectional(bidirectional)
                                                   .batch_first(true)
                                                   .dropout(layers > 1 ? dropout : 0.0)));
}

GruEncoderOutput GruEncoderImpl::forward(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  namespace rnn = torch::nn::utils::rnn;
  const auto packed = rnn::pack_padded_sequence(embedded, lengths.to(torch::kCPU),
                                                /*batch_first=*/true, /*enforce_sorted=*/false);
  auto [packed_out, h_n] = gru_->forward_with_packed_input(packed);
  // Per real token, direction and layer: three gates' input and hidden products.
  const auto& o = gru_->options;
  const double tokens = static_cast<double>(packed.data().size(0)), directions = bidirectional_ ? 2 : 1;
  for (int64_t l = 0; l < o.num_layers(); ++l) {
    const double input = l == 0 ? static_cast<double>(o.input_size()) : directions * o.hidden_size();
    count_matmul(directions, tokens, input + o.hidden_size(), 3.0 * o.hidden_size());
  }
  auto states = std::get<0>(rnn::pad_packed_sequence(packed_out, /*batch_first=*/true,
                                                     /*padding_value=*/0.0, embedded.size(1)));
  // h_n: [layers * directions, B, H]; the top layer's states are the last ones.
  const auto final = bidirectional_ ? torch::cat({h_n[-2], h_n[-1]}, -1) : h_n[-1];
  return {states, final};
}

}  // namespace nmt::models
