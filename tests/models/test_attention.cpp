#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "models/attention.h"
#include "models/decoding_attention.h"

using namespace nmt::models;

TEST_CASE("masked softmax gives padded keys exactly zero weight", "[attention]") {
  torch::manual_seed(0);
  const auto scores = torch::randn({2, 3, 5});
  const auto lengths = torch::tensor({2, 5}, torch::kInt64);
  const auto w = masked_softmax_by_length(scores, lengths);
  CHECK(torch::equal(w.index({0, torch::indexing::Slice(), torch::indexing::Slice(2)}), torch::zeros({3, 3})));
  CHECK(torch::allclose(w.sum(-1), torch::ones({2, 3})));
  // The valid part is an ordinary softmax over the valid keys.
  const auto expected = scores.index({0, torch::indexing::Slice(), torch::indexing::Slice(0, 2)}).softmax(-1);
  CHECK(torch::allclose(w.index({0, torch::indexing::Slice(), torch::indexing::Slice(0, 2)}), expected));
  CHECK(torch::allclose(w[1], scores[1].softmax(-1)));
}

TEST_CASE("a row without valid keys gets zero weights, not NaN", "[attention]") {
  const auto w = masked_softmax_by_length(torch::randn({1, 2, 4}), torch::tensor({0}, torch::kInt64));
  CHECK(torch::equal(w, torch::zeros({1, 2, 4})));
}

TEST_CASE("scaled dot-product attention matches its formula and ignores padding", "[attention]") {
  torch::manual_seed(1);
  const auto q = torch::randn({2, 4, 8}), k = torch::randn({2, 6, 8}), v = torch::randn({2, 6, 3});
  const auto mask = length_mask(torch::tensor({6, 3}, torch::kInt64), 6).unsqueeze(1);  // [B, 1, K]
  const auto out = scaled_dot_product_attention(q, k, v, mask);
  auto scores = torch::bmm(q, k.transpose(1, 2)) / std::sqrt(8.0);
  scores = scores.masked_fill(mask.logical_not(), -1e9);
  const auto weights = scores.softmax(-1);
  CHECK(torch::allclose(out.weights, weights, 1e-5, 1e-6));
  CHECK(torch::allclose(out.context, torch::bmm(weights, v), 1e-5, 1e-6));
  // Changing padded keys and values changes nothing.
  auto k2 = k.clone(), v2 = v.clone();
  k2.index_put_({1, torch::indexing::Slice(3)}, 100.0);
  v2.index_put_({1, torch::indexing::Slice(3)}, -100.0);
  const auto out2 = scaled_dot_product_attention(q, k2, v2, mask);
  CHECK(torch::allclose(out.context, out2.context));
}

TEST_CASE("additive attention computes w_v . tanh(W_q q + W_k k) over valid keys", "[attention]") {
  torch::manual_seed(2);
  AdditiveAttention attention(5, 7, 4);
  const auto q = torch::randn({2, 1, 5}), keys = torch::randn({2, 3, 7}), values = torch::randn({2, 3, 2});
  const auto mask = length_mask(torch::tensor({3, 2}, torch::kInt64), 3);
  torch::NoGradGuard no_grad;
  const auto out = attention->forward(q, attention->project_keys(keys), values, mask);
  const auto params = attention->named_parameters();
  const auto Wq = params["W_q.weight"], Wk = params["W_k.weight"], wv = params["w_v.weight"];
  for (int b = 0; b < 2; ++b) {
    std::vector<double> scores;
    for (int j = 0; j < 3; ++j)
      scores.push_back(torch::mv(wv, torch::tanh(torch::mv(Wq, q[b][0]) + torch::mv(Wk, keys[b][j])))
                           .item<double>());
    const int valid = b == 0 ? 3 : 2;
    double total = 0;
    for (int j = 0; j < valid; ++j) total += std::exp(scores[j]);
    for (int j = 0; j < 3; ++j) {
      const double expected = j < valid ? std::exp(scores[j]) / total : 0.0;
      CHECK(out.weights[b][0][j].item<double>() == Approx(expected).epsilon(1e-4));
    }
  }
  CHECK(torch::allclose(out.context, torch::bmm(out.weights, values)));
}

TEST_CASE("attention's products for few queries are the batched products, values and gradients", "[attention]") {
  torch::manual_seed(4);
  // [sentences, heads, Q, d] queries against keys shared by all of a sentence's queries.
  for (const int64_t queries : {int64_t{1}, int64_t{5}, kFewQueries + 1}) {
    const auto q = torch::randn({3, 2, queries, 8}, torch::requires_grad());
    const auto k = torch::randn({3, 2, 6, 8}, torch::requires_grad());
    const auto v = torch::randn({3, 2, 6, 4}, torch::requires_grad());
    const auto w = attention_scores(q, k, Precision::fp32).softmax(-1);
    const auto out = attention_mix(w, v, Precision::fp32);
    const auto w_ref = torch::matmul(q, k.transpose(-2, -1)).softmax(-1);
    const auto out_ref = torch::matmul(w_ref, v);
    CHECK(torch::allclose(w, w_ref, 1e-5, 1e-6));
    CHECK(torch::allclose(out, out_ref, 1e-5, 1e-6));
    const auto d = torch::randn(out.sizes());
    const auto g = torch::autograd::grad({(out * d).sum()}, {q, k, v});
    const auto g_ref = torch::autograd::grad({(out_ref * d).sum()}, {q, k, v});
    for (std::size_t i = 0; i < g.size(); ++i) CHECK(torch::allclose(g[i], g_ref[i], 1e-4, 1e-5));
  }
}

TEST_CASE("decoding attention is the formula, on the layouts and masks a decoding step has", "[attention][kernels]") {
  torch::manual_seed(5);
  torch::NoGradGuard no_grad;
  const int64_t B = 3, H = 4, S = 7, d = 24;  // d not a multiple of 16: the kernel's tail too
  // Heads split from [B, S, H * d] as split_heads does: strided, not contiguous.
  auto heads = [&](int64_t rows) { return torch::randn({B, rows, H * d}).view({B, rows, H, d}).transpose(1, 2); };
  // Sentence 1 has 4 valid keys, sentence 2 none (a padded row of a batch).
  const auto mask = length_mask(torch::tensor({7, 4, 0}, torch::kInt64), S).view({B, 1, 1, S});
  for (const int64_t Q : {int64_t{1}, int64_t{5}}) {
    const auto q = heads(Q), k = heads(S), v = heads(S);
    REQUIRE(decoding_attention_applies(q, k, v, mask));
    const auto out = decoding_attention(q, k, v, mask);
    const auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(d));
    const auto w_ref = masked_softmax(scores, mask);
    CHECK(torch::allclose(out.weights, w_ref, 1e-5, 1e-6));
    CHECK(torch::allclose(out.context, torch::matmul(w_ref, v), 1e-5, 1e-6));
    CHECK(torch::equal(out.context[2], torch::zeros({H, Q, d})));  // no valid key: zeros, not NaN
    // Merging the heads, as the output projection wants them, is a view.
    CHECK(out.context.transpose(1, 2).is_contiguous());
    // Without a mask: every key counts.
    const auto unmasked = decoding_attention(q, k, v, torch::Tensor());
    CHECK(torch::allclose(unmasked.context, torch::matmul(scores.softmax(-1), v), 1e-5, 1e-6));
  }
  // What it does not take goes to the general path.
  const auto q = heads(1), k = heads(S), v = heads(S);
  CHECK_FALSE(decoding_attention_applies(heads(kFewQueries + 1), k, v, mask));
  CHECK_FALSE(decoding_attention_applies(q.to(torch::kBFloat16), k, v, mask));
  CHECK_FALSE(decoding_attention_applies(q, k, v, mask.to(torch::kFloat32)));
  CHECK_FALSE(decoding_attention_applies(q, k.narrow(0, 0, 2), v, mask));
  CHECK_FALSE(decoding_attention_applies(torch::randn({B, H, d, 2}).select(3, 0).unsqueeze(2), k, v, mask));
  {
    torch::AutoGradMode grad(true);
    CHECK_FALSE(decoding_attention_applies(q.clone().requires_grad_(), k, v, mask));
  }
}
