#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "app/decode/search.h"
#include "app/train/loss.h"
#include "data/tokenizer.h"
#include "models/factory.h"

using namespace nmt;

namespace {

models::Seq2Seq small_model(bool bidirectional, int layers) {
  models::ModelConfig c;
  c.embedding_dim = 16;
  c.hidden_dim = 24;
  c.encoder_layers = layers;
  c.decoder_layers = layers;
  c.bidirectional = bidirectional;
  c.dropout = 0.2;
  auto model = models::build_model(c, 40, 40, true);
  model->eval();
  return model;
}

// Two sources: the second is shorter and padded.
void batch(torch::Tensor& src, torch::Tensor& lengths) {
  src = torch::tensor({5, 6, 7, 8, data::kEosId, 9, 10, data::kEosId, data::kPadId, data::kPadId},
                      torch::kInt64)
            .view({2, 5});
  lengths = torch::tensor({5, 3}, torch::kInt64);
}

}  // namespace

TEST_CASE("padding never leaks into the encoder", "[gru]") {
  torch::manual_seed(3);
  auto model = small_model(true, 2);
  torch::NoGradGuard no_grad;
  torch::Tensor src, lengths;
  batch(src, lengths);
  const auto together = model->encode(src, lengths);
  const auto alone = model->encode(src.index({torch::indexing::Slice(1, 2), torch::indexing::Slice(0, 3)}),
                                   lengths.index({torch::indexing::Slice(1, 2)}));
  CHECK(torch::allclose(together.states[1].index({torch::indexing::Slice(0, 3)}), alone.states[0], 1e-5, 1e-6));
  CHECK(torch::allclose(together.summary[1], alone.summary[0], 1e-5, 1e-6));
  CHECK(torch::equal(together.states[1].index({torch::indexing::Slice(3)}), torch::zeros({2, 48})));
  CHECK(torch::equal(together.mask, src.ne(data::kPadId)));
}

TEST_CASE("step-by-step decoding gives the teacher-forced logits", "[gru]") {
  torch::manual_seed(4);
  for (bool bidirectional : {true, false}) {
    auto model = small_model(bidirectional, bidirectional ? 1 : 2);
    torch::NoGradGuard no_grad;
    torch::Tensor src, lengths;
    batch(src, lengths);
    const auto tgt_in = torch::tensor({data::kBosId, 11, 12, 13, data::kBosId, 14, 15, 16}, torch::kInt64).view({2, 4});
    const auto parallel = model->forward(src, lengths, tgt_in);
    REQUIRE(parallel.sizes() == torch::IntArrayRef({2, 4, 40}));
    auto state = model->start(model->encode(src, lengths), 1);
    for (int t = 0; t < 4; ++t) {
      const auto out = model->step(tgt_in.select(1, t), *state);
      CHECK(torch::allclose(out.logits, parallel.select(1, t), 1e-4, 1e-5));
      CHECK(torch::allclose(out.attention.sum(-1), torch::ones({2})));
      CHECK(out.attention[1].index({torch::indexing::Slice(3)}).abs().sum().item<float>() == 0.0f);
    }
  }
}

TEST_CASE("a reordered decoder state decodes the reordered rows", "[gru]") {
  torch::manual_seed(5);
  auto model = small_model(true, 1);
  torch::NoGradGuard no_grad;
  torch::Tensor src, lengths;
  batch(src, lengths);
  auto a = model->start(model->encode(src, lengths), 1);
  auto b = model->start(model->encode(src, lengths), 1);
  const auto prev = torch::tensor({data::kBosId, data::kBosId}, torch::kInt64);
  const auto first = model->step(prev, *a);
  model->step(prev, *b);
  const auto order = torch::tensor({1, 1, 0}, torch::kInt64);  // duplicate and swap
  b->select(order);
  const auto next_a = model->step(torch::tensor({20, 21}, torch::kInt64), *a);
  const auto next_b = model->step(torch::tensor({21, 21, 20}, torch::kInt64), *b);
  CHECK(torch::allclose(next_b.logits, next_a.logits.index_select(0, order), 1e-5, 1e-6));
  CHECK(first.logits.size(0) == 2);
}

TEST_CASE("greedy search takes the argmax and stops at EOS or the length limit", "[search]") {
  torch::manual_seed(6);
  auto model = small_model(true, 1);
  torch::Tensor src, lengths;
  batch(src, lengths);
  const auto hyps = greedy_search(*model, src, lengths, {0.0, 3}, true);
  REQUIRE(hyps.size() == 2);
  torch::NoGradGuard no_grad;
  for (int i = 0; i < 2; ++i) {
    CHECK(hyps[i].tokens.size() <= 3u);
    // Re-run the sentence alone, taking the argmax by hand.
    const auto s = src.index({torch::indexing::Slice(i, i + 1), torch::indexing::Slice(0, lengths[i].item<int64_t>())});
    auto state = model->start(model->encode(s, lengths.index({torch::indexing::Slice(i, i + 1)})), 1);
    auto prev = torch::tensor({data::kBosId}, torch::kInt64);
    std::vector<int64_t> tokens;
    double score = 0;
    for (int t = 0; t <= 3; ++t) {
      auto lp = model->step(prev, *state).logits.log_softmax(-1)[0];
      int64_t best = lp.argmax().item<int64_t>();
      if (t == 3) best = data::kEosId;
      score += lp[best].item<double>();
      if (best == data::kEosId) break;
      tokens.push_back(best);
      prev = torch::tensor({best}, torch::kInt64);
    }
    CHECK(hyps[i].tokens == tokens);
    CHECK(hyps[i].score == Approx(score).epsilon(1e-4));
    CHECK(hyps[i].attention.size(0) == static_cast<int64_t>(tokens.size() + 1));
  }
}

TEST_CASE("label-smoothed loss ignores padding and reduces to cross-entropy", "[loss]") {
  torch::manual_seed(7);
  const auto logits = torch::randn({2, 3, 10});
  const auto targets = torch::tensor({4, 5, data::kPadId, 6, data::kPadId, data::kPadId}, torch::kInt64).view({2, 3});
  const auto plain = label_smoothed_loss(logits, targets, 0.0, data::kPadId);
  const auto expected = torch::nn::functional::cross_entropy(
      logits.view({-1, 10}), targets.view({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(data::kPadId).reduction(torch::kSum));
  CHECK(plain.tokens == 3);
  CHECK(plain.loss.item<double>() == Approx(expected.item<double>()).epsilon(1e-5));
  CHECK(plain.nll == Approx(expected.item<double>()).epsilon(1e-5));
  const auto smoothed = label_smoothed_loss(logits, targets, 0.1, data::kPadId);
  const auto expected_smooth = torch::nn::functional::cross_entropy(
      logits.view({-1, 10}), targets.view({-1}),
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(data::kPadId).reduction(torch::kSum).label_smoothing(0.1));
  CHECK(smoothed.loss.item<double>() == Approx(expected_smooth.item<double>()).epsilon(1e-5));
  CHECK(smoothed.nll == Approx(plain.nll));
}

TEST_CASE("label-smoothed loss has LibTorch's cross-entropy gradient, once", "[loss]") {
  torch::manual_seed(8);
  const auto targets = torch::tensor({4, 5, data::kPadId, 6, 9, data::kPadId}, torch::kInt64).view({2, 3});
  for (const double smoothing : {0.0, 0.1}) {
    const auto logits = torch::randn({2, 3, 10}, torch::requires_grad());
    const auto expected = torch::nn::functional::cross_entropy(
        logits.view({-1, 10}), targets.view({-1}),
        torch::nn::functional::CrossEntropyFuncOptions().ignore_index(data::kPadId).reduction(torch::kSum)
            .label_smoothing(smoothing));
    const auto g_expected = torch::autograd::grad({expected * 3.0}, {logits})[0];
    const auto loss = label_smoothed_loss(logits, targets, smoothing, data::kPadId).loss;
    const auto g = torch::autograd::grad({loss * 3.0}, {logits}, {}, /*retain_graph=*/true)[0];
    CHECK(torch::allclose(g, g_expected, 1e-5, 1e-6));
    CHECK(torch::equal(g[0][2], torch::zeros({10})));  // a padded position learns nothing
    // The gradient was written over the saved softmax: a second pass is refused, not wrong.
    CHECK_THROWS(torch::autograd::grad({loss}, {logits}));
  }
}
