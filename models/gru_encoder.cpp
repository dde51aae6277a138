#include "models/gru_encoder.h"

#include <torch/torch.h>

#include "models/attention.h"
#include "models/dropout.h"
#include "models/flop_count.h"
#include "models/gru_cell.h"
#include "models/precision.h"
#include "models/seq2seq.h"

namespace nmt::models {

GruEncoderImpl::GruEncoderImpl(int64_t input_dim, int64_t hidden_dim, int64_t layers,
                               bool bidirectional, double dropout)
    : hidden_dim_(hidden_dim),
      output_dim_(hidden_dim * (bidirectional ? 2 : 1)),
      directions_(bidirectional ? 2 : 1),
      dropout_(layers > 1 ? dropout : 0.0) {
  gru_ = register_module("gru", torch::nn::GRU(torch::nn::GRUOptions(input_dim, hidden_dim)
                                                   .num_layers(layers)
                                                   .bidirectional(bidirectional)
                                                   .batch_first(true)
                                                   .dropout(dropout_)));
  auto params = gru_->named_parameters(/*recurse=*/false);
  for (int64_t l = 0; l < layers; ++l) {
    w_ih_.emplace_back(), w_hh_.emplace_back(), b_ih_.emplace_back(), b_hh_.emplace_back();
    for (const std::string direction : {"", "_reverse"}) {
      if (direction == "_reverse" && !bidirectional) break;
      const auto suffix = "_l" + std::to_string(l) + direction;
      w_ih_[l].push_back(params["weight_ih" + suffix]);
      w_hh_[l].push_back(params["weight_hh" + suffix]);
      b_ih_[l].push_back(params["bias_ih" + suffix]);
      b_hh_[l].push_back(params["bias_hh" + suffix]);
    }
  }
}

torch::Tensor GruEncoderImpl::in_step_order(const torch::Tensor& t) const {
  auto steps = t.permute({1, 2, 0, 3});  // [S, directions, B, X]
  if (directions_ == 1) return steps.contiguous();
  return torch::stack({steps.select(1, 0), steps.select(1, 1).flip(0)}, 1);
}

GruEncoderImpl::LayerOutput GruEncoderImpl::run_layer(int64_t layer, const torch::Tensor& input,
                                                      const torch::Tensor& step_mask) {
  const int64_t B = input.size(0), S = input.size(1), H = hidden_dim_, dirs = directions_;
  // Every position's input gates, both directions, in one product in the
  // current precision; the recurrence's products as RecurrentProducts says.
  const auto input_gates =
      in_step_order(linear(input, concatenated(w_ih_[layer]), concatenated(b_ih_[layer]))
                        .to(torch::kFloat32)
                        .view({B, S, dirs, 3 * H}));
  const RecurrentProducts recurrent;
  const auto w_hh = concatenated(w_hh_[layer]).view({dirs, 3 * H, H}).transpose(1, 2);  // [dirs, H, 3H]
  const auto b_hh = concatenated(b_hh_[layer]).view({dirs, 1, 3 * H});
  count_matmul(static_cast<double>(dirs * S), static_cast<double>(B), static_cast<double>(H),
               static_cast<double>(3 * H));
  auto hidden = torch::zeros({dirs, B, H}, input.options().dtype(torch::kFloat32));
  std::vector<torch::Tensor> outputs;
  outputs.reserve(S);
  const auto step_gates = input_gates.unbind(0);  // one stack as gradient, not a zero-filled whole per step
  for (int64_t t = 0; t < S; ++t) {
    // The state stays fp32; the product takes it in the weights' dtype.
    auto next = gru_cell(step_gates[t], torch::baddbmm(b_hh, hidden.to(w_hh.scalar_type()), w_hh), hidden);
    // Past its sentence's end a forward state keeps its value; before its
    // sentence's last token a backward state stays zero.
    hidden = step_mask.defined() ? torch::where(step_mask[t], next, hidden) : next;
    outputs.push_back(hidden);
  }
  auto states = torch::stack(outputs);  // [S, dirs, B, H] in step order
  if (dirs == 2) states = torch::cat({states.select(1, 0), states.select(1, 1).flip(0)}, -1);
  else states = states.select(1, 0);
  return {states.transpose(0, 1), hidden};
}

GruEncoderOutput GruEncoderImpl::forward(const torch::Tensor& embedded, const torch::Tensor& lengths) {
  const int64_t S = embedded.size(1);
  const auto mask = length_mask(lengths.to(embedded.device()), S);  // [B, S]
  torch::Tensor step_mask;
  if (has_padding(mask))
    step_mask = in_step_order(mask.unsqueeze(-1).unsqueeze(-1).expand({-1, -1, directions_, 1}));
  auto x = embedded;
  torch::Tensor final;
  for (std::size_t l = 0; l < w_ih_.size(); ++l) {
    if (l > 0) x = fast_dropout(x, dropout_, is_training());
    auto out = run_layer(static_cast<int64_t>(l), x, step_mask);
    x = out.states;
    final = out.final;
  }
  // final: [dirs, B, H] -> [B, dirs * H], forward direction first (as nn::GRU's h_n).
  final = directions_ == 2 ? torch::cat({final[0], final[1]}, -1) : final[0];
  if (step_mask.defined()) x = x * mask.unsqueeze(-1).to(x.scalar_type());
  return {x, final};
}

}  // namespace nmt::models
