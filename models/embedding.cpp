#include "models/embedding.h"

#include <torch/torch.h>

#include <cmath>

#include "data/special_ids.h"

namespace nmt::models {

torch::nn::Embedding token_embedding(int64_t vocab, int64_t dim) {
  torch::nn::Embedding e(torch::nn::EmbeddingOptions(vocab, dim).padding_idx(data::kPadId));
  torch::NoGradGuard no_grad;
  e->weight.normal_(0, 1.0 / std::sqrt(static_cast<double>(dim)));
  e->weight[data::kPadId].zero_();
  return e;
}

}  // namespace nmt::models
