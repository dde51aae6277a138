#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "data/tokenizer.h"
#include "models/dropout.h"
#include "models/factory.h"
#include "models/multi_head_attention.h"
#include "models/positional_encoding.h"

using namespace nmt;
using torch::indexing::Slice;

namespace {

models::Seq2Seq small_transformer(bool pre_norm, double dropout = 0.1) {
  models::ModelConfig c;
  c.type = "transformer";
  c.embedding_dim = 16;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.heads = 4;
  c.ff_dim = 32;
  c.dropout = dropout;
  c.pre_norm = pre_norm;
  auto model = models::build_model(c, 40, 40, true);
  model->eval();
  return model;
}

}  // namespace

TEST_CASE("multi-head attention equals LibTorch's MultiheadAttention with the same weights", "[transformer]") {
  torch::manual_seed(11);
  const int64_t D = 12, H = 3, B = 2, Q = 4, K = 5;
  models::MultiHeadAttention ours(D, H, 0.0);
  torch::nn::MultiheadAttention theirs(torch::nn::MultiheadAttentionOptions(D, H));
  {
    torch::NoGradGuard no_grad;
    theirs->in_proj_weight.copy_(torch::cat({ours->q_proj->weight, ours->k_proj->weight, ours->v_proj->weight}));
    theirs->in_proj_bias.copy_(torch::cat({ours->q_proj->bias, ours->k_proj->bias, ours->v_proj->bias}));
    theirs->out_proj->weight.copy_(ours->out_proj->weight);
    theirs->out_proj->bias.copy_(ours->out_proj->bias);
  }
  torch::NoGradGuard no_grad;
  const auto q = torch::randn({B, Q, D}), k = torch::randn({B, K, D}), v = torch::randn({B, K, D});
  // The second sentence has two padding keys.
  const auto valid = torch::tensor({5, 3}, torch::kInt64);
  const auto key_mask = torch::arange(K).unsqueeze(0) < valid.unsqueeze(1);  // [B, K], true = real
  const auto out = ours(q, k, v, key_mask.unsqueeze(1).unsqueeze(1));
  // LibTorch: [length, batch, dim] and key_padding_mask true = ignore.
  const auto [context, average] = theirs(q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1),
                                         key_mask.logical_not());
  CHECK(torch::allclose(out.context, context.transpose(0, 1), 1e-5, 1e-6));
  REQUIRE(out.weights.sizes() == torch::IntArrayRef({B, H, Q, K}));
  CHECK(torch::allclose(out.weights.mean(1), average, 1e-5, 1e-6));
  CHECK(out.weights[1].index({Slice(), Slice(), Slice(3)}).abs().sum().item<float>() == 0.0f);
  CHECK(torch::allclose(out.weights.sum(-1), torch::ones({B, H, Q}), 1e-5, 1e-6));

  // A causal mask: query i sees keys 0..i only.
  const auto causal = torch::ones({Q, Q}, torch::kBool).tril().view({1, 1, Q, Q});
  const auto self = ours(q, q, q, causal);
  const auto [self_context, self_average] =
      theirs->forward(q.transpose(0, 1), q.transpose(0, 1), q.transpose(0, 1), torch::Tensor(), true,
                      torch::zeros({Q, Q}).masked_fill(torch::ones({Q, Q}, torch::kBool).triu(1), -INFINITY));
  CHECK(torch::allclose(self.context, self_context.transpose(0, 1), 1e-5, 1e-6));
  CHECK(self.weights.triu(1).abs().sum().item<float>() == 0.0f);
}

TEST_CASE("sinusoidal positional encoding follows the paper's formula", "[transformer]") {
  const auto table = models::sinusoidal_table(50, 8);
  REQUIRE(table.sizes() == torch::IntArrayRef({50, 8}));
  for (int p : {0, 1, 7, 49})
    for (int i = 0; i < 4; ++i) {
      const double angle = p / std::pow(10000.0, 2.0 * i / 8);
      CHECK(table[p][2 * i].item<float>() == Approx(std::sin(angle)).margin(1e-6));
      CHECK(table[p][2 * i + 1].item<float>() == Approx(std::cos(angle)).margin(1e-6));
    }
  // Odd widths and positions past the initial table work too.
  CHECK(models::sinusoidal_table(3, 5).sizes() == torch::IntArrayRef({3, 5}));
  models::PositionalEncoding encoding(4);
  const auto x = torch::zeros({1, 2, 4});
  CHECK(torch::allclose(encoding.add(x, 1000), models::sinusoidal_table(1002, 4).narrow(0, 1000, 2).unsqueeze(0)));
}

TEST_CASE("Transformer step-by-step decoding gives the teacher-forced logits", "[transformer]") {
  torch::manual_seed(12);
  for (bool pre_norm : {false, true}) {
    auto model = small_transformer(pre_norm);
    torch::NoGradGuard no_grad;
    const auto src = torch::tensor({5, 6, 7, 8, data::kEosId, 9, 10, data::kEosId, data::kPadId, data::kPadId},
                                   torch::kInt64).view({2, 5});
    const auto lengths = torch::tensor({5, 3}, torch::kInt64);
    const auto tgt_in = torch::tensor({data::kBosId, 11, 12, 13, data::kBosId, 14, 15, 16}, torch::kInt64).view({2, 4});
    const auto parallel = model->forward(src, lengths, tgt_in);
    REQUIRE(parallel.sizes() == torch::IntArrayRef({2, 4, 40}));
    auto state = model->start(model->encode(src, lengths), 1);
    for (int t = 0; t < 4; ++t) {
      const auto out = model->step(tgt_in.select(1, t), *state);
      CHECK(torch::allclose(out.logits, parallel.select(1, t), 1e-4, 1e-5));
      REQUIRE(out.layer_attention.sizes() == torch::IntArrayRef({2, 2, 4, 5}));
      CHECK(torch::allclose(out.attention, out.layer_attention.select(1, 1).mean(1)));
      CHECK(torch::allclose(out.attention.sum(-1), torch::ones({2})));
      CHECK(out.attention[1].index({Slice(3)}).abs().sum().item<float>() == 0.0f);
    }
    // Padding in the source changes nothing for the shorter sentence.
    const auto alone = model->forward(src.index({Slice(1, 2), Slice(0, 3)}), lengths.index({Slice(1, 2)}),
                                      tgt_in.index({Slice(1, 2)}));
    CHECK(torch::allclose(alone[0], parallel[1], 1e-4, 1e-5));
  }
}

TEST_CASE("a future target token does not change earlier Transformer logits", "[transformer]") {
  torch::manual_seed(13);
  auto model = small_transformer(false);
  torch::NoGradGuard no_grad;
  const auto src = torch::tensor({{5, 6, data::kEosId}}, torch::kInt64);
  const auto lengths = torch::tensor({3}, torch::kInt64);
  const auto a = model->forward(src, lengths, torch::tensor({{data::kBosId, 11, 12}}, torch::kInt64));
  const auto b = model->forward(src, lengths, torch::tensor({{data::kBosId, 11, 30}}, torch::kInt64));
  CHECK(torch::allclose(a.index({0, Slice(0, 2)}), b.index({0, Slice(0, 2)}), 1e-5, 1e-6));
  CHECK_FALSE(torch::allclose(a[0][2], b[0][2]));
}

TEST_CASE("the Transformer shares one embedding across source, target and output", "[transformer]") {
  auto model = small_transformer(true);
  int64_t embeddings = 0;
  for (const auto& p : model->named_parameters())
    if (p.value().size(0) == 40 && p.value().dim() == 2) ++embeddings;
  CHECK(embeddings == 1);
  models::ModelConfig c;
  c.type = "transformer";
  c.embedding_dim = 10;
  c.heads = 4;
  CHECK_THROWS_WITH(models::build_model(c, 40, 40, true), Catch::Contains("model.heads"));
}

TEST_CASE("dropout keeps the expected fraction, scales the rest and is reproducible", "[transformer]") {
  torch::manual_seed(14);
  const auto x = torch::ones({200000});
  const auto y = models::fast_dropout(x, 0.25, true);
  const double dropped = y.eq(0).sum().item<int64_t>() / 200000.0;
  CHECK(dropped == Approx(0.25).margin(0.005));
  CHECK(torch::allclose(y.masked_select(y.ne(0)), torch::full({1}, 1 / 0.75)));
  CHECK(torch::equal(models::fast_dropout(x, 0.25, false), x));
  torch::manual_seed(14);
  CHECK(torch::equal(models::fast_dropout(x, 0.25, true), y));
  // The mean is preserved, so the expected activation is the same in training and inference.
  CHECK(y.mean().item<double>() == Approx(1.0).margin(0.01));
}
