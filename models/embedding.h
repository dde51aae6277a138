#pragma once
// The token embedding both models use.
#include <torch/nn/modules/embedding.h>

namespace nmt::models {

// Weights N(0, 1/sqrt(dim)), the padding row zero. Unit variance would make
// tied output logits huge (a start loss far above log V); 1/sqrt(dim) keeps
// the first logits near zero, and the Transformer's sqrt(dim) input scaling
// brings its inputs back to unit variance.
torch::nn::Embedding token_embedding(int64_t vocab, int64_t dim);

}  // namespace nmt::models
