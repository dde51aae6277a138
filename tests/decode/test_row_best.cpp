#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <limits>

#include "app/decode/row_best.h"

using namespace nmt;

TEST_CASE("row_best is log-softmax then top-k, without writing the log-softmax", "[search][kernels]") {
  torch::manual_seed(3);
  // A vocabulary that is not a multiple of the kernel's blocks of 16, and rows far from 0.
  const int64_t rows = 37, vocab = 1003, k = 10, eos = 2;
  const auto scores = torch::randn({rows, vocab}) * 4 + torch::arange(rows).unsqueeze(1) * 10.0;
  const auto best = row_best(scores, k, false, eos);
  const auto log_probs = scores.log_softmax(-1);
  const auto [ref_lp, ref_token] = log_probs.topk(k, 1);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < k; ++j) {
      CHECK(best.token[r * k + j] == ref_token[r][j].item<int64_t>());
      CHECK(best.log_prob[r * k + j] == Approx(ref_lp[r][j].item<float>()).margin(2e-5));
    }
    CHECK(best.eos[r] == Approx(log_probs[r][eos].item<float>()).margin(2e-5));
  }
  // Log-probabilities already (an ensemble's): taken as they are.
  const auto normalized = row_best(log_probs, k, true, eos);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t j = 0; j < k; ++j) CHECK(normalized.log_prob[r * k + j] == ref_lp[r][j].item<float>());
}

TEST_CASE("row_best breaks ties by the lower token id and keeps impossible rows impossible", "[search][kernels]") {
  auto scores = torch::zeros({2, 40});
  scores[0].index_put_({torch::indexing::Slice(20, 23)}, 5.0);   // three tied best: 20, 21, 22
  scores[0][35] = 5.0;                                             // and a fourth, later
  scores[1].fill_(-std::numeric_limits<float>::infinity());      // a row where nothing is possible
  const auto best = row_best(scores, 3, false, 0);
  CHECK(best.token == std::vector<int64_t>{20, 21, 22, 0, 1, 2});
  CHECK(std::isinf(best.log_prob[3]));
  CHECK(std::isinf(best.eos[1]));
  CHECK_THROWS(row_best(scores, 41, false, 0));
}
