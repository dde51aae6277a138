#include "models/packed_linear.h"

#include <ATen/Parallel.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/error.h"

namespace nmt::models {

namespace {

using dnnl::memory;
using DataType = memory::data_type;
using Tag = memory::format_tag;

const dnnl::engine& cpu() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

// A product is compiled for a fixed row count. Rounding the count up (at most
// 25% more rows, exact up to 16) bounds how many are compiled (about 1 ms
// each) to a few dozen per shape, however the batch shrinks while decoding.
int64_t row_bucket(int64_t rows) {
  if (rows <= 16) return rows;
  const int bits = 64 - __builtin_clzll(static_cast<unsigned long long>(rows - 1));  // rows in (2^(bits-1), 2^bits]
  const int64_t step = int64_t{1} << (bits - 3);
  return (rows + step - 1) / step * step;
}

// int8: int8 x int8 -> fp32 of [rows, k] by [k, n], then x activation scale
// (one value), x weight scales (one per column), + bias: one pass, fused.
// fp32: fp32 x fp32 + bias. Its memory objects and argument map are made once
// too: a call only points them at its tensors.
struct Product {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  memory src, dst, scale;
  std::unordered_map<int, memory> args;
};

memory::desc row_vector(int64_t n) { return {{1, n}, DataType::f32, Tag::ab}; }

Product make_int8_product(int64_t rows, int64_t k, int64_t n, bool bias) {
  dnnl::post_ops ops;
  ops.append_binary(dnnl::algorithm::binary_mul, row_vector(1));
  ops.append_binary(dnnl::algorithm::binary_mul, row_vector(n));
  if (bias) ops.append_binary(dnnl::algorithm::binary_add, row_vector(n));
  dnnl::primitive_attr attr;
  attr.set_post_ops(ops);
  const dnnl::matmul::desc desc({{rows, k}, DataType::s8, Tag::ab}, {{k, n}, DataType::s8, Tag::any},
                                {{rows, n}, DataType::f32, Tag::ab});
  dnnl::matmul::primitive_desc pd(desc, attr, cpu());
  Product product{pd, dnnl::matmul(pd), memory(pd.src_desc(), cpu(), nullptr), memory(pd.dst_desc(), cpu(), nullptr),
                  memory(row_vector(1), cpu(), nullptr), {}};
  product.args = {{DNNL_ARG_SRC, product.src},
                  {DNNL_ARG_DST, product.dst},
                  {DNNL_ARG_ATTR_MULTIPLE_POST_OP(0) | DNNL_ARG_SRC_1, product.scale}};
  return product;
}

Product make_fp32_product(int64_t rows, int64_t k, int64_t n, bool bias) {
  const memory::desc src({rows, k}, DataType::f32, Tag::ab), weights({k, n}, DataType::f32, Tag::any),
      dst({rows, n}, DataType::f32, Tag::ab);
  const auto desc = bias ? dnnl::matmul::desc(src, weights, row_vector(n), dst) : dnnl::matmul::desc(src, weights, dst);
  dnnl::matmul::primitive_desc pd(desc, cpu());
  Product product{pd, dnnl::matmul(pd), memory(pd.src_desc(), cpu(), nullptr), memory(pd.dst_desc(), cpu(), nullptr),
                  memory(), {}};
  product.args = {{DNNL_ARG_SRC, product.src}, {DNNL_ARG_DST, product.dst}};
  return product;
}

Product make_product(int64_t rows, int64_t k, int64_t n, bool bias, Precision precision) {
  return precision == Precision::int8 ? make_int8_product(rows, k, n, bias) : make_fp32_product(rows, k, n, bias);
}

// Compiled products are shared by every weight of the same shape; one map per
// thread, so a product is never run by two threads at once.
Product& product_for(int64_t rows, int64_t k, int64_t n, bool bias, Precision precision) {
  thread_local std::map<std::tuple<int64_t, int64_t, int64_t, bool, Precision>, Product> products;
  const auto key = std::make_tuple(rows, k, n, bias, precision);
  auto it = products.find(key);
  if (it == products.end()) it = products.emplace(key, make_product(rows, k, n, bias, precision)).first;
  return it->second;
}

// Whether oneDNN's fp32 matmul has its brgemm kernel here (AVX-512 and up).
// Without it (AVX2) the primitive falls back to oneDNN's gemm, which gains
// nothing from the packed layout and loses to calling that gemm directly on
// the exact rows (no padding to the row bucket): dnnl_sgemm, as CTranslate2.
bool fp32_brgemm() {
  static const bool brgemm = std::string(make_fp32_product(16, 256, 256, true).pd.impl_info_str()).rfind("brg", 0) == 0;
  return brgemm;
}

// out [m, n] = rows [m, k] x plain [k, n] (+ bias [1, n]), by oneDNN's gemm.
void sgemm(const torch::Tensor& rows, const torch::Tensor& plain, const torch::Tensor& bias, torch::Tensor& out) {
  const int64_t m = rows.size(0), k = rows.size(1), n = plain.size(1);
  float beta = 0;
  if (bias.defined()) out.copy_(bias.expand({m, n})), beta = 1;
  const auto status = dnnl_sgemm('N', 'N', m, n, k, 1.0f, rows.data_ptr<float>(), k, plain.data_ptr<float>(), n, beta,
                                 out.data_ptr<float>(), n);
  if (status != dnnl_success) throw Error("fp32 product: dnnl_sgemm failed (status " + std::to_string(status) + ")");
}

// oneDNN's reference int8 product (no VNNI, no AMX) is thousands of times
// slower than a real one: refuse it rather than decode at that speed.
void require_fast_int8() {
  static const std::string implementation = make_int8_product(4, 64, 64, true).pd.impl_info_str();
  if (implementation.rfind("ref", 0) == 0)
    throw Error("decoding.precision int8: oneDNN has only its reference int8 product on this CPU (" + implementation +
                "); use bf16 or fp32");
}

// rows [m, k] fp32 into the first m rows of `out` [padded, k] int8,
// symmetric with one scale (returned); the padding rows are zeroed. One pass
// for the range (ATen's) and one hand-written pass for the rounding: ATen's
// multiply, round and conversion would be three passes and three tensors.
float quantize(const torch::Tensor& rows, torch::Tensor& out) {
  const auto [low, high] = torch::aminmax(rows);
  const float amax = std::max(-low.item<float>(), high.item<float>());
  const float scale = amax > 0 ? amax / 127.0f : 1.0f, inverse = 1.0f / scale;
  const float* x = rows.data_ptr<float>();
  int8_t* q = out.data_ptr<int8_t>();
  const int64_t count = rows.numel();
  at::parallel_for(0, count, 1 << 16, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float v = x[i] * inverse;  // within [-127, 127]
      q[i] = static_cast<int8_t>(static_cast<int>(v + std::copysign(0.5f, v)));  // to nearest, ties away from 0
    }
  });
  std::memset(q + count, 0, static_cast<std::size_t>(out.numel() - count));
  return scale;
}

}  // namespace

struct PackedLinear::Weights {
  Precision precision = Precision::fp32;
  int64_t k = 0, n = 0;
  torch::Tensor plain;   // int8 (quantized) or fp32 [k, n], row-major: the layout oneDNN reorders from
  torch::Tensor scales;  // int8: fp32 [1, n]
  torch::Tensor bias;    // fp32 [1, n] or undefined
  memory scales_memory, bias_memory;  // over `scales` and `bias`
  std::mutex mutex;
  // The weights in each layout a product asked for (VNNI's for a few rows,
  // AMX's for more): reordered once each.
  std::vector<std::pair<memory::desc, memory>> layouts;

  memory in_layout(const memory::desc& wanted) {
    const std::lock_guard<std::mutex> lock(mutex);
    for (const auto& [desc, mem] : layouts)
      if (desc == wanted) return mem;
    memory source({{k, n}, precision == Precision::int8 ? DataType::s8 : DataType::f32, Tag::ab}, cpu(), plain.data_ptr());
    memory packed(wanted, cpu());
    dnnl::stream stream(cpu());
    dnnl::reorder(source, packed).execute(stream, source, packed);
    stream.wait();
    layouts.emplace_back(wanted, packed);
    return layouts.back().second;
  }
};

PackedLinear::PackedLinear(const torch::Tensor& weight, const torch::Tensor& bias, Precision precision)
    : weights_(std::make_unique<Weights>()) {
  if (precision != Precision::int8 && precision != Precision::fp32)
    throw Error("packed product: precision " + precision_name(precision) + " (only int8 and fp32 are packed)");
  if (precision == Precision::int8) require_fast_int8();
  torch::NoGradGuard no_grad;
  const auto w = weight.detach().to(torch::kFloat32);
  weights_->precision = precision;
  weights_->k = w.size(1);
  weights_->n = w.size(0);
  if (precision == Precision::int8) {
    const auto scales = (w.abs().amax(1) / 127.0).clamp_min(1e-12);
    weights_->plain = (w / scales.unsqueeze(1)).round().clamp(-127, 127).to(torch::kInt8).t().contiguous();
    weights_->scales = scales.reshape({1, -1}).contiguous();
    weights_->scales_memory = memory(row_vector(weights_->n), cpu(), weights_->scales.data_ptr());
  } else {
    weights_->plain = w.t().contiguous();
  }
  if (bias.defined()) {
    weights_->bias = bias.detach().to(torch::kFloat32).reshape({1, -1}).contiguous();
    weights_->bias_memory = memory(row_vector(weights_->n), cpu(), weights_->bias.data_ptr());
  }
}

PackedLinear::~PackedLinear() = default;

torch::Tensor PackedLinear::operator()(const torch::Tensor& x) const {
  const auto k = weights_->k, n = weights_->n;
  const auto precision = weights_->precision;
  if (x.size(-1) != k)
    throw Error(precision_name(precision) + " product: input has " + std::to_string(x.size(-1)) +
                " features, the weight " + std::to_string(k));
  auto sizes = x.sizes().vec();
  sizes.back() = n;
  const auto rows = x.to(torch::kFloat32).reshape({-1, k}).contiguous();
  const int64_t m = rows.size(0);
  if (m == 0) return torch::empty(sizes);

  if (precision == Precision::fp32 && !fp32_brgemm()) {
    auto out = torch::empty({m, n});
    sgemm(rows, weights_->plain, weights_->bias, out);
    return out.view(sizes);
  }
  const int64_t padded = row_bucket(m);
  auto out = torch::empty({padded, n});
  auto& product = product_for(padded, k, n, weights_->bias.defined(), precision);
  torch::Tensor source;  // [padded, k], kept alive until the product has run
  float scale = 1;
  if (precision == Precision::int8) {
    // One scale for the whole input: the product's scaling stays a fused
    // broadcast (a scale per row made oneDNN fall back to its reference code).
    source = torch::empty({padded, k}, torch::kInt8);
    scale = quantize(rows, source);
    product.scale.set_data_handle(&scale);
    product.args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(1) | DNNL_ARG_SRC_1] = weights_->scales_memory;
    if (weights_->bias.defined()) product.args[DNNL_ARG_ATTR_MULTIPLE_POST_OP(2) | DNNL_ARG_SRC_1] = weights_->bias_memory;
  } else {
    source = rows;
    if (padded > m) source = torch::cat({rows, torch::zeros({padded - m, k})});
    if (weights_->bias.defined()) product.args[DNNL_ARG_BIAS] = weights_->bias_memory;
  }
  product.src.set_data_handle(source.data_ptr());
  product.dst.set_data_handle(out.data_ptr());
  product.args[DNNL_ARG_WEIGHTS] = weights_->in_layout(product.pd.weights_desc());
  thread_local dnnl::stream stream(cpu());
  product.primitive.execute(stream, product.args);
  stream.wait();
  return out.narrow(0, 0, m).view(sizes);
}

}  // namespace nmt::models
