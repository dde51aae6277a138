// The two halves of an update: gradients of batches add up, one update turns
// their sum into a mean over all their tokens; a non-finite loss is refused.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "app/train/optimizer.h"
#include "app/train/train_step.h"
#include "data/batching.h"
#include "tiny_model.h"

TEST_CASE("accumulating two batches updates like one batch holding both", "[train_step]") {
  auto t = nmt::test::tiny_model("train-step-accumulate");
  t.config.model.dropout = 0;
  torch::manual_seed(1);
  auto a = nmt::build_model_for(t.config, t.data.tokenizers);
  torch::manual_seed(1);
  auto b = nmt::build_model_for(t.config, t.data.tokenizers);
  auto opt_a = nmt::make_optimizer(t.config.training, *a), opt_b = nmt::make_optimizer(t.config.training, *b);
  const auto plan = nmt::data::plan_batches(t.data.train->lengths(), {300, 0}, 3, true);
  std::vector<int64_t> both = plan[0];
  both.insert(both.end(), plan[1].begin(), plan[1].end());

  auto totals = nmt::accumulate_gradients(*a, nmt::data::make_batch(*t.data.train, plan[0]), 0.1);
  totals += nmt::accumulate_gradients(*a, nmt::data::make_batch(*t.data.train, plan[1]), 0.1);
  REQUIRE(nmt::apply_update(*a, *opt_a, totals, 1.0));
  const auto whole = nmt::train_step(*b, *opt_b, nmt::data::make_batch(*t.data.train, both), 0.1, 1.0);
  CHECK(totals.tokens == whole.tokens);
  CHECK(totals.nll == Approx(whole.nll).epsilon(1e-5));
  CHECK(nmt::test::relative_weight_difference(*a, *b) < 1e-5);
}

TEST_CASE("a non-finite loss leaves the weights untouched", "[train_step]") {
  auto t = nmt::test::tiny_model("train-step-nan");
  auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
  const auto batch = nmt::data::make_batch(*t.data.train, nmt::data::plan_batches(t.data.train->lengths(), {300, 0}, 1, true)[0]);
  {
    torch::NoGradGuard no_grad;
    t.model->named_parameters()["output_bias"].fill_(std::numeric_limits<float>::quiet_NaN());
  }
  std::vector<torch::Tensor> before;
  for (const auto& p : t.model->parameters()) before.push_back(p.detach().clone());
  const auto result = nmt::accumulate_gradients(*t.model, batch, 0.1);
  CHECK_FALSE(std::isfinite(result.nll));
  CHECK_FALSE(nmt::apply_update(*t.model, *optimizer, result, 1.0));
  const auto after = t.model->parameters();
  for (std::size_t i = 0; i < after.size(); ++i)  // NaN counts as equal to NaN here
    CHECK(torch::allclose(after[i], before[i], 0.0, 0.0, /*equal_nan=*/true));
}
