#include "models/int8_linear.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/torch.h>

#include <algorithm>

#include "common/error.h"

namespace nmt::models {

bool int8_available() {
  const auto& engines = at::globalContext().supportedQEngines();
  return std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) != engines.end();
}

Int8Linear::Int8Linear(const torch::Tensor& weight, const torch::Tensor& bias) {
  if (!int8_available())
    throw Error("decoding.precision int8 needs LibTorch with oneDNN's quantized engine, which this build lacks");
  // The engine the prepacked weight is made for; products then run on it
  // whatever the global setting is later.
  at::globalContext().setQEngine(at::QEngine::ONEDNN);
  const auto w = weight.detach().to(torch::kFloat32).contiguous();
  const auto scales = (w.abs().amax(1) / 127.0).clamp_min(1e-12).to(torch::kFloat64);
  const auto zero_points = torch::zeros({w.size(0)}, torch::kInt64);
  const auto quantized = torch::quantize_per_channel(w, scales, zero_points, 0, torch::kQInt8);
  static const auto prepack =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("quantized::linear_prepack", "")
          .typed<c10::intrusive_ptr<LinearPackedParamsBase>(at::Tensor, c10::optional<at::Tensor>)>();
  const c10::optional<at::Tensor> b =
      bias.defined() ? c10::optional<at::Tensor>(bias.detach().to(torch::kFloat32).contiguous()) : c10::nullopt;
  packed_ = prepack.call(quantized, b);
}

torch::Tensor Int8Linear::operator()(const torch::Tensor& x) const {
  auto sizes = x.sizes().vec();
  const auto rows = x.to(torch::kFloat32).reshape({-1, sizes.back()}).contiguous();
  auto out = packed_->apply_dynamic(rows, /*reduce_range=*/false);
  sizes.back() = out.size(-1);
  return out.view(sizes);
}

}  // namespace nmt::models
