// Parameter averaging while training: the update rule, the swap in and out of
// the model, and its place in the checkpoint.
#include <catch2/catch.hpp>

#include <sstream>

#include "app/train/exponential_average.h"
#include "common/error.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

// Every parameter of `model` set to `value`.
void fill_parameters(torch::nn::Module& model, double value) {
  const torch::NoGradGuard no_grad;
  for (auto& p : model.parameters()) p.fill_(value);
}

}  // namespace

TEST_CASE("the average moves toward the parameters by 1 - decay, faster in the first steps", "[ema]") {
  auto t = nmt::test::tiny_model("ema-update");
  fill_parameters(*t.model, 1.0);
  nmt::ExponentialAverage average(*t.model, 0.9);
  fill_parameters(*t.model, 3.0);
  average.update(1000);  // decay 0.9: 0.9 * 1 + 0.1 * 3
  for (const auto& a : average.values()) CHECK(torch::allclose(a, torch::full_like(a, 1.2)));
  // Step 1 weighs the new parameters by 1 - 2/11.
  CHECK(nmt::ExponentialAverage::decay_at(0.9999, 1) == Approx(2.0 / 11));
  CHECK(nmt::ExponentialAverage::decay_at(0.9999, 1000000) == Approx(0.9999));
  CHECK_THROWS_WITH(nmt::ExponentialAverage(*t.model, 1.0), Contains("training.ema_decay"));
}

TEST_CASE("with decay 0 the averaged weights are the weights", "[ema]") {
  auto t = nmt::test::tiny_model("ema-zero");
  nmt::ExponentialAverage average(*t.model, 0.0);
  fill_parameters(*t.model, 0.25);
  average.update(5);
  const auto before = t.model->parameters();
  std::vector<torch::Tensor> raw;
  for (const auto& p : before) raw.push_back(p.detach().clone());
  {
    const nmt::ExponentialAverage::Applied applied(&average);
    const auto inside = t.model->parameters();
    for (std::size_t i = 0; i < raw.size(); ++i) CHECK(torch::equal(inside[i], raw[i]));
  }
}

TEST_CASE("the averaged weights are in the model for the scope only", "[ema]") {
  auto t = nmt::test::tiny_model("ema-applied");
  fill_parameters(*t.model, 1.0);
  nmt::ExponentialAverage average(*t.model, 0.5);
  fill_parameters(*t.model, 2.0);
  {
    const nmt::ExponentialAverage::Applied applied(&average);
    for (const auto& p : t.model->parameters()) CHECK(torch::equal(p, torch::ones_like(p)));
  }
  for (const auto& p : t.model->parameters()) CHECK(torch::equal(p, torch::full_like(p, 2.0)));
  const nmt::ExponentialAverage::Applied nothing(nullptr);  // no average: nothing happens
  for (const auto& p : t.model->parameters()) CHECK(torch::equal(p, torch::full_like(p, 2.0)));
}

TEST_CASE("the average is written and read back, and another model's is refused", "[ema]") {
  auto t = nmt::test::tiny_model("ema-archive");
  nmt::ExponentialAverage average(*t.model, 0.9);
  fill_parameters(*t.model, 5.0);
  average.update(1000);
  torch::serialize::OutputArchive out;
  average.write(out);
  std::ostringstream bytes;
  out.save_to(bytes);

  auto fresh = nmt::test::tiny_model("ema-archive");
  nmt::ExponentialAverage restored(*fresh.model, 0.9);
  torch::serialize::InputArchive in;
  const auto text = bytes.str();
  in.load_from(text.data(), text.size());
  REQUIRE(restored.read(in, "a.pt"));
  for (std::size_t i = 0; i < average.values().size(); ++i)
    CHECK(torch::equal(restored.values()[i], average.values()[i]));

  torch::serialize::InputArchive empty;
  torch::serialize::OutputArchive nothing;
  std::ostringstream no_bytes;
  nothing.write("x", torch::zeros({1}));
  nothing.save_to(no_bytes);
  const auto none = no_bytes.str();
  empty.load_from(none.data(), none.size());
  CHECK_FALSE(restored.read(empty, "b.pt"));

  auto wider_config = t.config;
  wider_config.model.hidden_dim = 48;
  auto wider = nmt::build_model_for(wider_config, t.data.tokenizers);
  nmt::ExponentialAverage other(*wider, 0.9);
  torch::serialize::InputArchive again;
  again.load_from(text.data(), text.size());
  CHECK_THROWS_WITH(other.read(again, "c.pt"), Contains("c.pt") && Contains("shape"));
}
