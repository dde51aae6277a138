#include <catch2/catch.hpp>
#include <torch/nn/utils/rnn.h>
#include <torch/torch.h>

#include "models/gru_encoder.h"
#include "models/precision.h"

using namespace nmt;

namespace {

// LibTorch's own packed GRU on the encoder's parameters: [B, S, dirs * H] zero at
// padding, and h_n's top layer as [B, dirs * H].
std::pair<torch::Tensor, torch::Tensor> reference(torch::nn::GRU& gru, const torch::Tensor& x,
                                                  const torch::Tensor& lengths, bool bidirectional) {
  namespace rnn = torch::nn::utils::rnn;
  auto [out, h_n] = gru->forward_with_packed_input(rnn::pack_padded_sequence(x, lengths, true, false));
  auto states = std::get<0>(rnn::pad_packed_sequence(out, true, 0.0, x.size(1)));
  auto final = bidirectional ? torch::cat({h_n[-2], h_n[-1]}, -1) : h_n[-1];
  return {states, final};
}

}  // namespace

TEST_CASE("the GRU encoder is LibTorch's packed GRU, values and gradients", "[gru]") {
  for (const bool bidirectional : {true, false}) {
    for (const int64_t layers : {1, 2}) {
      DYNAMIC_SECTION((bidirectional ? "bidirectional, " : "one direction, ") << layers << " layer(s)") {
        torch::manual_seed(5);
        models::GruEncoder encoder(6, 5, layers, bidirectional, 0.0);
        auto gru = std::dynamic_pointer_cast<torch::nn::GRUImpl>(encoder->named_children()["gru"]);
        REQUIRE(gru);
        torch::nn::GRU module(gru);
        // Three sentences of lengths 4, 2 and 3: two of them padded.
        const auto x = torch::randn({3, 4, 6}, torch::requires_grad());
        const auto lengths = torch::tensor({4, 2, 3}, torch::kInt64);
        const auto [want_states, want_final] = reference(module, x, lengths, bidirectional);
        const auto got = encoder(x, lengths);
        REQUIRE(got.states.sizes() == want_states.sizes());
        REQUIRE(got.final.sizes() == want_final.sizes());
        CHECK(torch::allclose(got.states, want_states, 1e-5, 1e-6));
        CHECK(torch::allclose(got.final, want_final, 1e-5, 1e-6));
        CHECK(torch::equal(got.states[1].narrow(0, 2, 2), torch::zeros({2, got.states.size(2)})));

        // The same gradients reach the input and every parameter.
        const auto d_states = torch::randn(want_states.sizes()), d_final = torch::randn(want_final.sizes());
        std::vector<torch::Tensor> inputs{x};
        for (const auto& p : encoder->parameters()) inputs.push_back(p);
        const auto g_want =
            torch::autograd::grad({(want_states * d_states).sum() + (want_final * d_final).sum()}, inputs);
        const auto g_got =
            torch::autograd::grad({(got.states * d_states).sum() + (got.final * d_final).sum()}, inputs);
        for (std::size_t i = 0; i < inputs.size(); ++i) CHECK(torch::allclose(g_got[i], g_want[i], 1e-4, 1e-5));
      }
    }
  }
}

TEST_CASE("the GRU encoder in bf16 stays close to fp32", "[gru][precision]") {
  torch::manual_seed(6);
  models::GruEncoder encoder(16, 12, 1, true, 0.0);
  const auto x = torch::randn({4, 7, 16});
  const auto lengths = torch::tensor({7, 5, 7, 1}, torch::kInt64);
  torch::NoGradGuard no_grad;
  const auto fp32 = encoder(x, lengths);
  const models::PrecisionScope bf16(models::Precision::bf16);
  const auto low = encoder(x, lengths);
  CHECK(low.states.scalar_type() == torch::kFloat32);
  // bf16 keeps 8 bits of mantissa: input gates off by ~0.4%, the states by about as much.
  CHECK((low.states - fp32.states).abs().max().item<double>() < 0.05);
  CHECK(torch::equal(low.states[3].narrow(0, 1, 6), torch::zeros({6, 24})));
}
