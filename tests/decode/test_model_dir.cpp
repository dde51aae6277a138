// A model directory written piece by piece, as the trainer does, loads back
// into the same network; what is missing or does not fit is named.
#include <catch2/catch.hpp>

#include "app/decode/model_dir.h"
#include "common/error.h"
#include "data/text_file.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

using nmt::test::write_model_dir;

TEST_CASE("a model directory loads the same weights, tokenizer and config", "[model_dir]") {
  const auto t = nmt::test::tiny_model("model-dir-load", "transformer");
  const auto dir = write_model_dir(t, "model-dir-ok");
  CHECK(nmt::data::file_exists(dir.path + "/spm.model"));
  const auto loaded = nmt::load_model_dir(dir.path, "cpu");
  CHECK(loaded.config.model.type == "transformer");
  CHECK(loaded.tokenizers.joint());
  CHECK(loaded.tokenizers.src->vocab_size() == t.data.tokenizers.src->vocab_size());
  CHECK_FALSE(loaded.model->is_training());
  const auto expected = t.model->named_parameters();
  for (const auto& p : loaded.model->named_parameters()) CHECK(torch::equal(p.value(), expected[p.key()]));
}

TEST_CASE("a model directory with a missing or foreign file is an error naming it", "[model_dir]") {
  const auto t = nmt::test::tiny_model("model-dir-bad");
  CHECK_THROWS_WITH(nmt::load_model_dir("no/such/dir"), Contains("no/such/dir: model directory not found"));

  const auto no_weights = write_model_dir(t, "model-dir-no-weights");
  std::filesystem::remove(no_weights.best());
  CHECK_THROWS_WITH(nmt::load_model_dir(no_weights.path), Contains(no_weights.best() + ": weights not found"));

  // Weights of another size than the config says.
  const auto other = write_model_dir(t, "model-dir-other-size");
  auto bigger = t.config;
  bigger.model.hidden_dim = 48;
  nmt::data::write_file_atomically(other.config(), nmt::to_yaml(bigger));
  CHECK_THROWS_WITH(nmt::load_model_dir(other.path), Contains(other.best()) && Contains("does the config match"));

  // Weights of another model type.
  const auto other_type = write_model_dir(t, "model-dir-other-type");
  auto transformer = t.config;
  transformer.model.type = "transformer";
  nmt::data::write_file_atomically(other_type.config(), nmt::to_yaml(transformer));
  CHECK_THROWS_WITH(nmt::load_model_dir(other_type.path), Contains(other_type.best()) && Contains("does the config match"));

  const auto no_config = write_model_dir(t, "model-dir-no-config");
  std::filesystem::remove(no_config.config());
  CHECK_THROWS_WITH(nmt::load_model_dir(no_config.path), Contains(no_config.config()));

  // A tokenizer model that is not one.
  const auto bad_tokenizer = write_model_dir(t, "model-dir-bad-tokenizer");
  const auto spm = bad_tokenizer.tokenizer_models(true).front();
  nmt::test::write_file(spm, "this is not a SentencePiece model\n");
  CHECK_THROWS_WITH(nmt::load_model_dir(bad_tokenizer.path), Contains(spm));
  std::filesystem::remove(spm);
  CHECK_THROWS_WITH(nmt::load_model_dir(bad_tokenizer.path), Contains("spm"));
}

TEST_CASE("truncated or damaged weights are named, and weights from before checksums load", "[model_dir]") {
  const auto t = nmt::test::tiny_model("model-dir-damaged");
  const auto dir = write_model_dir(t, "model-dir-damaged-weights");
  const auto good = nmt::test::read_file(dir.best());

  std::filesystem::resize_file(dir.best(), good.size() - 100);
  CHECK_THROWS_WITH(nmt::load_model_dir(dir.path), Contains(dir.best()) && Contains("truncated weights"));
  auto damaged = good;
  damaged[good.size() - 50] ^= 0x01;
  nmt::test::write_file(dir.best(), damaged);
  CHECK_THROWS_WITH(nmt::load_model_dir(dir.path), Contains(dir.best()) && Contains("damaged weights"));

  // The old format: the archive without the 24-byte header.
  nmt::test::write_file(dir.best(), good.substr(24));
  const auto loaded = nmt::load_model_dir(dir.path, "cpu");
  CHECK(nmt::test::relative_weight_difference(*loaded.model, *t.model) == 0.0);
}
