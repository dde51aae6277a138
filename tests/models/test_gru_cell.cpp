#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "models/gru_cell.h"

using namespace nmt;

TEST_CASE("gru_cell is LibTorch's GRUCell, values and gradients", "[gru]") {
  torch::manual_seed(11);
  torch::nn::GRUCell reference(torch::nn::GRUCellOptions(6, 5));
  const auto x = torch::randn({4, 6});
  const auto h = torch::randn({4, 5}, torch::requires_grad());
  const auto expected = reference(x, h);
  const auto got = models::gru_cell(torch::nn::functional::linear(x, reference->weight_ih, reference->bias_ih),
                                    torch::nn::functional::linear(h, reference->weight_hh, reference->bias_hh), h);
  REQUIRE(got.sizes() == expected.sizes());
  CHECK(torch::allclose(got, expected, 1e-5, 1e-6));

  // The same gradients reach the hidden state and every parameter.
  const auto direction = torch::randn({4, 5});
  const std::vector<torch::Tensor> inputs{h, reference->weight_ih, reference->weight_hh, reference->bias_ih,
                                          reference->bias_hh};
  const auto g_expected = torch::autograd::grad({(expected * direction).sum()}, inputs);
  const auto g_got = torch::autograd::grad({(got * direction).sum()}, inputs);
  for (std::size_t i = 0; i < inputs.size(); ++i) CHECK(torch::allclose(g_got[i], g_expected[i], 1e-5, 1e-6));
}

TEST_CASE("gru_cell keeps its state where the update gate is closed", "[gru]") {
  // z = 1 (large update-gate inputs): the new state is the old one.
  const auto h = torch::randn({2, 3});
  auto gates = torch::zeros({2, 9});
  gates.narrow(1, 3, 3).fill_(100.0);
  CHECK(torch::allclose(models::gru_cell(gates, torch::zeros({2, 9}), h), h, 1e-6, 1e-6));
}
