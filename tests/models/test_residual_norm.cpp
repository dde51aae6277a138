#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "models/residual_norm.h"

using namespace nmt::models;

TEST_CASE("add_layer_norm is layer_norm(x + y), fused while decoding", "[layers][kernels]") {
  torch::manual_seed(6);
  for (const int64_t width : {int64_t{256}, int64_t{24}}) {  // 24: the kernel's tail after 16
    torch::nn::LayerNorm norm(torch::nn::LayerNormOptions({width}));
    {
      torch::NoGradGuard no_grad;
      norm->weight.uniform_(0.5, 1.5);
      norm->bias.uniform_(-0.5, 0.5);
    }
    // Rows far from zero mean: a one-pass variance would lose digits here.
    const auto x = torch::randn({3, 5, width}) + 100.0, y = torch::randn({3, 5, width});
    torch::Tensor fused;
    {
      torch::NoGradGuard no_grad;
      fused = add_layer_norm(x, y, norm);
    }
    // Against the same formula in float64: no further off than ATen's own layer norm.
    const auto sum = (x + y).to(torch::kFloat64);
    const auto exact = (sum - sum.mean(-1, true)) / (sum.var(-1, false, true) + 1e-5).sqrt() *
                           norm->weight.to(torch::kFloat64) + norm->bias.to(torch::kFloat64);
    const auto aten_error = (norm(x + y).detach().to(torch::kFloat64) - exact).abs().max().item<double>();
    const auto fused_error = (fused.to(torch::kFloat64) - exact).abs().max().item<double>();
    INFO("fused " << fused_error << ", ATen " << aten_error);
    CHECK(fused_error <= 2 * aten_error + 1e-6);
    CHECK(fused_error < 1e-4);
    // Training: the plain operations, so gradients reach the norm's weights.
    const auto trained = add_layer_norm(x, y, norm);
    CHECK(trained.requires_grad());
    trained.sum().backward();
    CHECK(norm->weight.grad().defined());
  }
}
