// Late dropout: when it switches, and that the switch reaches every dropout
// of both model families (embeddings, residuals, attention weights, and
// between stacked GRU layers).
#include <catch2/catch.hpp>

#include "app/config/config.h"
#include "app/train/late_dropout.h"
#include "app/train/lr_schedule.h"
#include "common/error.h"
#include "models/dropout.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

// Teacher-forced logits of a fixed batch in the model's current mode.
torch::Tensor logits(nmt::models::Seq2SeqImpl& model, int64_t vocab) {
  torch::manual_seed(7);
  const auto src = torch::randint(4, vocab, {2, 6}, torch::kInt64);
  const auto tgt_in = torch::randint(4, vocab, {2, 5}, torch::kInt64);
  const torch::NoGradGuard no_grad;
  return model.forward(src, torch::tensor({6, 4}, torch::kInt64), tgt_in);
}

}  // namespace

TEST_CASE("the budget's progress is the further along of steps and time", "[late_dropout]") {
  nmt::ScheduleState state;
  CHECK(nmt::budget_progress(250, 1000, state) == Approx(0.25));
  CHECK(nmt::budget_progress(250, 0, state) == 0.0);  // no step budget, no time used
  state.time_progress = 0.6;
  CHECK(nmt::budget_progress(250, 1000, state) == Approx(0.6));
  CHECK(nmt::budget_progress(250, 0, state) == Approx(0.6));
  CHECK(nmt::budget_progress(2000, 1000, state) == 1.0);
}

TEST_CASE("late dropout switches once, at its share of the budget, and only when set", "[late_dropout]") {
  auto t = nmt::test::tiny_model("late-dropout-switch");
  nmt::TrainingConfig training;
  SECTION("off by default") {
    nmt::LateDropout late(training);
    CHECK_FALSE(late.update(*t.model, 1.0));
    CHECK_FALSE(late.switched());
  }
  SECTION("on") {
    training.late_dropout = 0.3, training.late_dropout_from = 0.4;
    nmt::LateDropout late(training);
    CHECK_FALSE(late.update(*t.model, 0.39));
    CHECK(late.update(*t.model, 0.4));
    CHECK(late.switched());
    CHECK_FALSE(late.update(*t.model, 0.5));  // the one time only
  }
}

TEST_CASE("a switched rate reaches every dropout of both model families", "[late_dropout]") {
  const std::string type = GENERATE(as<std::string>{}, "gru", "transformer");
  INFO(type);
  auto t = nmt::test::tiny_model("late-dropout-rate-" + type, type);
  // Two GRU layers each side, so that the dropout between layers is there too.
  t.config.model.encoder_layers = t.config.model.decoder_layers = 2;
  t.config.model.dropout = 0.3;
  torch::manual_seed(1);
  auto model = nmt::build_model_for(t.config, t.data.tokenizers);
  const int64_t vocab = t.data.tokenizers.src->vocab_size();
  model->eval();
  const auto deterministic = logits(*model, vocab);
  model->train();
  REQUIRE_FALSE(torch::allclose(logits(*model, vocab), deterministic));  // dropout at 0.3
  nmt::models::set_dropout(*model, 0.0);
  CHECK(torch::allclose(logits(*model, vocab), deterministic, 1e-5, 1e-6));
  // Each family's dropouts, switched one kind at a time, change the output.
  for (const auto& module : model->modules(/*include_self=*/false)) {
    auto* rate = dynamic_cast<nmt::models::DropoutRate*>(module.get());
    if (!rate) continue;
    rate->set_dropout(0.5);
    CHECK_FALSE(torch::allclose(logits(*model, vocab), deterministic, 1e-5, 1e-6));
    rate->set_dropout(0.0);
  }
}

TEST_CASE("late dropout's settings are checked", "[late_dropout][config]") {
  auto config = nmt::load_config(nmt::test::source_path("configs/multi30k_transformer.yaml"));
  config.training.late_dropout = -0.5;
  CHECK_THROWS_WITH(nmt::validate_for_training(config), Contains("training.late_dropout") && Contains("-1 (off)"));
  config.training.late_dropout = 0.3;
  CHECK_NOTHROW(nmt::validate_for_training(config));
  config.training.time_budget_minutes = 0, config.training.max_steps = 0;
  CHECK_THROWS_WITH(nmt::validate_for_training(config), Contains("training.late_dropout") && Contains("max_steps"));
}
