#pragma once
// Attention mechanisms, each usable and testable on its own. Every one returns
// its weights with its output, so heatmaps and alignments come for free.
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

#include "models/precision.h"

namespace nmt::models {

struct AttentionOutput {
  torch::Tensor context;  // [B, Q, value_dim]
  torch::Tensor weights;  // [B, Q, K], rows sum to 1 over valid keys
};

// Softmax over the last axis where keys with mask == false get exactly zero
// weight. `key_mask` is bool and broadcasts against `scores` ([B, 1, K] or
// [B, Q, K]). A row without any valid key gets all-zero weights, not NaN.
torch::Tensor masked_softmax(const torch::Tensor& scores, const torch::Tensor& key_mask);

// The same, with the mask given as valid lengths [B]: keys at positions >= length are masked.
torch::Tensor masked_softmax_by_length(const torch::Tensor& scores, const torch::Tensor& valid_lengths);

// [B, K] bool mask that is true at positions < length.
torch::Tensor length_mask(const torch::Tensor& lengths, int64_t max_length);

// The precision of attention's two products (scores, and mixing the values):
// the models' precision while training, fp32 while decoding (no grad mode).
// A decoding step has one query row per hypothesis; products that small cost
// more in oneDNN's per-call set-up than bf16 saves (single-sentence beam 5 on
// Multi30k: about 40 sentences/s with them in fp32, 20-30 in bf16).
Precision attention_precision();

// `t` as attention's products take it: fp32 while decoding, unchanged while
// training. Applied where keys and values are made (the projected memory,
// each new self-attention position), so a step does not convert all of them.
torch::Tensor attention_operand(const torch::Tensor& t);

// Attention's two products, in `precision`: scores = queries [..., Q, d] .
// keys [..., S, d] -> [..., Q, S], and weights [..., Q, S] x values
// [..., S, d] -> [..., Q, d]; leading dims broadcast. ATen's fp32 batched
// product on the CPU makes one BLAS call per batch entry: a decoding step
// with 64 sentences and 4 heads made thousands of tiny calls, most of its
// time. For a few query rows (kFewQueries or fewer) in fp32 they are instead
// a broadcast multiply and a sum, one kernel each (the same values up to the
// order of the additions).
constexpr int64_t kFewQueries = 8;
torch::Tensor attention_scores(const torch::Tensor& queries, const torch::Tensor& keys, Precision precision);
torch::Tensor attention_mix(const torch::Tensor& weights, const torch::Tensor& values, Precision precision);

// Scaled dot-product attention: softmax(q k^T / sqrt(d)) v. Leading dims are
// batch dims (e.g. [B, heads, Q, d]); `key_mask` broadcasts to [..., Q, K]
// (undefined: every key is valid). With `dropout` > 0 in training, the
// weights that mix the values are dropped out; the returned weights are not.
AttentionOutput scaled_dot_product_attention(const torch::Tensor& queries, const torch::Tensor& keys,
                                             const torch::Tensor& values, const torch::Tensor& key_mask,
                                             double dropout = 0.0, bool training = false);

// Additive (Bahdanau) attention: score(q, k) = w_v . tanh(W_q q + W_k k).
// Keys are projected once per batch (project_keys) and reused at every step.
class AdditiveAttentionImpl : public torch::nn::Module {
 public:
  AdditiveAttentionImpl(int64_t query_dim, int64_t key_dim, int64_t hidden_dim);

  torch::Tensor project_keys(const torch::Tensor& keys);  // [B, K, key_dim] -> [B, K, hidden]

  // queries [B, Q, query_dim]; projected_keys [B, K, hidden]; values [B, K, v]; key_mask [B, K]
  // (undefined: every key is valid).
  AttentionOutput forward(const torch::Tensor& queries, const torch::Tensor& projected_keys,
                          const torch::Tensor& values, const torch::Tensor& key_mask);

 private:
  torch::nn::Linear W_q{nullptr}, W_k{nullptr}, w_v{nullptr};
};
TORCH_MODULE(AdditiveAttention);

}  // namespace nmt::models
