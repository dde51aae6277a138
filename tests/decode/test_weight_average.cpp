// nmt-average's core: the mean of weight files of one model, into a new
// model directory; another model's file is refused by name.
#include <catch2/catch.hpp>

#include "app/decode/model_dir.h"
#include "app/decode/weight_average.h"
#include "common/error.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

TEST_CASE("the average of two weight files is their element-wise mean", "[average]") {
  auto t = nmt::test::tiny_model("average-mean", "transformer");
  const auto dir = nmt::test::write_model_dir(t, "average-mean-run");
  const auto first = dir.kept_weights(100);
  nmt::save_weights(*t.model, first);
  const auto a = t.model->parameters();
  std::vector<torch::Tensor> expected;
  {
    const torch::NoGradGuard no_grad;
    for (auto& p : a) {
      const auto before = p.detach().clone();
      p.mul_(-3).add_(0.5);
      expected.push_back((before + p) / 2);
    }
  }
  const auto second = dir.kept_weights(200);
  nmt::save_weights(*t.model, second);
  CHECK(dir.kept_weights() == std::vector<std::string>{first, second});

  const auto out = nmt::test::scratch_dir("average-mean-out").string() + "/averaged";
  nmt::average_weights(dir.path, {first, second}, out);
  const auto averaged = nmt::load_model_dir(out, "cpu");
  const auto params = averaged.model->parameters();
  REQUIRE(params.size() == expected.size());
  for (std::size_t i = 0; i < params.size(); ++i) CHECK(torch::allclose(params[i], expected[i], 1e-6, 1e-7));
  CHECK(averaged.config.model.type == "transformer");
  // A model directory is never overwritten, unless asked to.
  CHECK_THROWS_WITH(nmt::average_weights(dir.path, {first}, out), Contains(out + " is not empty"));
  nmt::average_weights(dir.path, {first}, out, /*force=*/true);
  // Now the first file alone, not the mean of two: some parameter differs from the mean.
  const auto rewritten = nmt::load_model_dir(out, "cpu").model->parameters();
  bool differs = false;
  for (std::size_t i = 0; i < rewritten.size(); ++i) differs |= !torch::allclose(rewritten[i], expected[i], 1e-6, 1e-7);
  CHECK(differs);
}

TEST_CASE("averaging refuses weights of another model, naming the file", "[average]") {
  auto t = nmt::test::tiny_model("average-shapes");
  const auto dir = nmt::test::write_model_dir(t, "average-shapes-run");
  auto wider_config = t.config;
  wider_config.model.hidden_dim = 48;
  auto wider = nmt::build_model_for(wider_config, t.data.tokenizers);
  const auto foreign = dir.path + "/wider.pt";
  nmt::save_weights(*wider, foreign);
  const auto out = nmt::test::scratch_dir("average-shapes-out").string() + "/averaged";
  CHECK_THROWS_WITH(nmt::average_weights(dir.path, {dir.best(), foreign}, out),
                    Contains(foreign) && Contains("shape"));
  auto transformer = nmt::test::tiny_model("average-shapes", "transformer");
  const auto other_family = dir.path + "/transformer.pt";
  nmt::save_weights(*transformer.model, other_family);
  CHECK_THROWS_WITH(nmt::average_weights(dir.path, {dir.best(), other_family}, out), Contains(other_family));
  CHECK_THROWS_WITH(nmt::average_weights(dir.path, {}, out), Contains("nothing to average"));
  CHECK_FALSE(nmt::data::file_exists(out + "/best.pt"));
}

TEST_CASE("a training checkpoint gives its trained weights, not its average", "[average]") {
  auto t = nmt::test::tiny_model("average-checkpoint");
  const auto dir = nmt::test::write_model_dir(t, "average-checkpoint-run");
  auto optimizer = nmt::make_optimizer(t.config.training, *t.model);
  nmt::ExponentialAverage average(*t.model, 0.9);
  {
    const torch::NoGradGuard no_grad;
    for (auto& p : t.model->parameters()) p.add_(1.0);  // the average stays at the old weights
  }
  const auto checkpoint = dir.path + "/checkpoint.pt";
  nmt::save_checkpoint(checkpoint, *t.model, *optimizer, nmt::TrainerState{}, &average);
  auto fresh = nmt::build_model_for(t.config, t.data.tokenizers);
  nmt::load_weights(*fresh, checkpoint);
  const auto trained = t.model->parameters();
  const auto loaded = fresh->parameters();
  REQUIRE(loaded.size() == trained.size());
  for (std::size_t i = 0; i < loaded.size(); ++i) CHECK(torch::equal(loaded[i], trained[i]));
}
