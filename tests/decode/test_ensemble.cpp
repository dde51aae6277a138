// Ensembles decode through the same interface as one model: one member
// translates as the model alone, two equal members as one, and mixed
// families average their probabilities at every step.
#include <catch2/catch.hpp>

#include <cmath>
#include <utility>

#include "app/decode/translator.h"
#include "common/error.h"
#include "data/special_ids.h"
#include "models/ensemble.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kSources = {"Wir haben drei Bücher gekauft .", "",
                                           "Am ersten Mai fährt unser Nachbar nach Berlin .", "Zwei rote Autos ."};

nmt::Translator translator_for(const nmt::test::TinyModel& t, nmt::models::Seq2Seq model, int beam) {
  auto decoding = t.config.decoding;
  decoding.beam_size = beam;
  decoding.max_length_b = 5;  // an untrained model rarely stops on its own
  decoding.precision = "fp32";  // compared to the digit: the same arithmetic on both sides
  return nmt::Translator(std::move(model), t.data.tokenizers, decoding, "cpu");
}

// The n-best texts and scores of every source.
std::vector<std::pair<std::string, double>> n_best(const nmt::Translator& translator) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& list : translator.translate_n_best(kSources, 3, 4))
    for (const auto& t : list) out.emplace_back(t.text, t.score);
  return out;
}

// The same texts in the same order, and scores equal but for float rounding:
// an ensemble's step gives log-probabilities, which the search normalizes
// again (a no-op up to the last bit), where a model alone gives logits.
void check_same_n_best(const std::vector<std::pair<std::string, double>>& a,
                       const std::vector<std::pair<std::string, double>>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("hypothesis " << i << ": " << a[i].first << " | " << a[i].second << " vs " << b[i].second);
    CHECK(a[i].first == b[i].first);
    CHECK(std::abs(a[i].second - b[i].second) < 1e-5);
  }
}

}  // namespace

TEST_CASE("a one-model ensemble translates exactly as the model", "[ensemble]") {
  const auto t = nmt::test::tiny_model("ensemble-one", "transformer");
  const auto alone = translator_for(t, t.model, 1);
  const auto one = translator_for(t, std::make_shared<nmt::models::EnsembleImpl>(std::vector{t.model}), 1);
  CHECK(one.translate(kSources) == alone.translate(kSources));
  check_same_n_best(n_best(translator_for(t, std::make_shared<nmt::models::EnsembleImpl>(std::vector{t.model}), 4)),
                    n_best(translator_for(t, t.model, 4)));
  CHECK(nmt::models::make_ensemble({t.model}) == t.model);  // one directory: the model itself
}

TEST_CASE("an ensemble of two equal models translates as one of them", "[ensemble]") {
  const auto t = nmt::test::tiny_model("ensemble-two", "gru");
  auto twin = nmt::build_model_for(t.config, t.data.tokenizers);
  {
    const torch::NoGradGuard no_grad;
    const auto from = t.model->parameters(), to = twin->parameters();
    for (std::size_t i = 0; i < from.size(); ++i) to[i].copy_(from[i]);
  }
  const auto pair = nmt::models::make_ensemble({t.model, twin});
  CHECK(translator_for(t, pair, 1).translate(kSources) == translator_for(t, t.model, 1).translate(kSources));
  CHECK(translator_for(t, pair, 4).translate(kSources) == translator_for(t, t.model, 4).translate(kSources));
}

TEST_CASE("a GRU and a Transformer average their probabilities at every step", "[ensemble]") {
  const auto gru = nmt::test::tiny_model("ensemble-mixed", "gru");
  const auto transformer = nmt::test::tiny_model("ensemble-mixed", "transformer");
  gru.model->eval();
  transformer.model->eval();
  nmt::models::EnsembleImpl ensemble({gru.model, transformer.model});
  const torch::NoGradGuard no_grad;
  const auto src = torch::tensor({{5, 6, 7, nmt::data::kEosId}, {8, 9, nmt::data::kEosId, nmt::data::kPadId}});
  const auto lengths = torch::tensor({4, 3});
  const auto prev = torch::full({2}, nmt::data::kBosId, torch::kInt64);

  auto state = ensemble.start(ensemble.encode(src, lengths), 1);
  const auto out = ensemble.step(prev, *state);
  auto gru_state = gru.model->start(gru.model->encode(src, lengths), 1);
  auto tr_state = transformer.model->start(transformer.model->encode(src, lengths), 1);
  const auto g = gru.model->step(prev, *gru_state), tr = transformer.model->step(prev, *tr_state);
  const auto expected = ((g.logits.softmax(-1) + tr.logits.softmax(-1)) / 2).log();
  CHECK(torch::allclose(out.logits, expected, 1e-5, 1e-6));
  CHECK(torch::allclose(out.attention, g.attention));  // the first member's attention
  // Teacher forcing averages the same way.
  const auto tgt_in = torch::tensor({{nmt::data::kBosId, 10, 11}, {nmt::data::kBosId, 12, 13}});
  const auto forced = ensemble.forward(src, lengths, tgt_in);
  const auto mean = ((gru.model->forward(src, lengths, tgt_in).softmax(-1) +
                      transformer.model->forward(src, lengths, tgt_in).softmax(-1)) / 2).log();
  CHECK(torch::allclose(forced, mean, 1e-5, 1e-6));
}

TEST_CASE("ensemble members with another vocabulary are refused, naming both files", "[ensemble]") {
  const auto a = nmt::test::tiny_model("ensemble-vocab-a");
  auto b_config = nmt::test::tiny_config((std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "ensemble-vocab-b").string());
  b_config.tokenizer.vocab_size = 170;
  std::filesystem::create_directories(std::filesystem::path(b_config.data.train).parent_path());
  nmt::test::TinyModel b{b_config, nmt::prepare_data(b_config), nullptr};
  b.model = nmt::build_model_for(b.config, b.data.tokenizers);
  const auto dir_a = nmt::test::write_model_dir(a, "ensemble-vocab-dir-a");
  const auto dir_b = nmt::test::write_model_dir(b, "ensemble-vocab-dir-b");
  nmt::TranslateOptions options;
  options.device = "cpu";
  CHECK_THROWS_WITH(nmt::open_translator(std::vector<std::string>{dir_a.path, dir_b.path}, options),
                    Contains(dir_a.path + "/spm.model") && Contains(dir_b.path + "/spm.model") &&
                        Contains("must share"));
  // The same directory twice is a valid (if pointless) ensemble.
  const auto twice = nmt::open_translator(std::vector<std::string>{dir_a.path, dir_a.path}, options);
  CHECK(twice.parameter_count() == 2 * nmt::models::parameter_count(*a.model));
}
