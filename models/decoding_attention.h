#pragma once
// Scaled dot-product attention for a decoding step, as one kernel.
//
// A step has one to a few query rows per sentence and head against a few dozen
// keys: ATen runs it as some ten operations (scale, two broadcast products and
// sums, the mask's fills, softmax, the heads' transpose), each a pass over
// memory, a dispatch and a parallel region of its own, and together they were
// a fifth of a beam-5 step (docs/performance.md#nmt-against-ctranslate2). Here
// each (sentence, head) is one pass: scores, masked softmax and the mix of the
// values, in fp32, in cache, written straight into the heads-last layout the
// output projection reads. The same values as scaled_dot_product_attention up
// to the order of the additions (tests/models/test_attention.cpp).
#include <torch/types.h>

#include "models/attention.h"

namespace nmt::models {

// Whether decoding_attention takes these operands: inference (no gradient),
// fp32 on the CPU, at most kFewQueries queries, each head's vectors contiguous,
// queries [B, h, Q, d] and keys, values [B, h, S, d] of the same B and h, and a
// boolean mask broadcastable to [B, h, Q, S] (or none).
bool decoding_attention_applies(const torch::Tensor& queries, const torch::Tensor& keys,
                                const torch::Tensor& values, const torch::Tensor& key_mask);

// softmax(q k^T / sqrt(d) masked) v: context [B, h, Q, d] (a view of a
// [B, Q, h, d] tensor, so merging the heads is free) and weights [B, h, Q, S].
// A query whose keys are all masked gets zero weights and a zero context.
AttentionOutput decoding_attention(const torch::Tensor& queries, const torch::Tensor& keys,
                                   const torch::Tensor& values, const torch::Tensor& key_mask);

}  // namespace nmt::models
