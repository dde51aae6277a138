#include <catch2/catch.hpp>

#include "app/config/config.h"
#include "app/train/prepare.h"
#include "common/error.h"
#include "data/text_file.h"
#include "helpers.h"

using Catch::Matchers::Contains;

namespace {

nmt::Config generated_config(const std::string& dir) {
  nmt::Config c;
  c.data.train = dir + "/train";
  c.data.valid = dir + "/valid";
  c.data.test = dir + "/test";
  c.data.generate = true;
  c.data.generate_train = 2000;
  c.data.generate_valid = 50;
  c.data.generate_test = 50;
  c.tokenizer.prefix = dir + "/spm";
  c.tokenizer.vocab_size = 200;
  return c;
}

}  // namespace

TEST_CASE("preparing generates the corpus, trains the tokenizer once, then reuses it", "[prepare]") {
  const auto dir = nmt::test::scratch_dir("prepare").string();
  const auto config = generated_config(dir);
  const auto first = nmt::prepare_data(config);
  CHECK(first.tokenizer_trained);
  CHECK(nmt::data::file_exists(dir + "/train.de"));
  CHECK(nmt::data::file_exists(dir + "/test.en"));
  CHECK(first.train_stats.read == 2000);
  CHECK(first.train->size() == 2000);
  CHECK(first.valid.size() == 50);
  CHECK(first.tokenizers.joint());
  CHECK(first.tokenizers.src->vocab_size() == 200);
  const auto model_bytes = nmt::test::read_file(dir + "/spm.model");

  const auto second = nmt::prepare_data(config);
  CHECK_FALSE(second.tokenizer_trained);
  CHECK(nmt::test::read_file(dir + "/spm.model") == model_bytes);
  CHECK(nmt::describe(second, config).find("pairs kept        2000") != std::string::npos);
  CHECK(first.dataset_built);
  CHECK_FALSE(second.dataset_built);  // the binary dataset is reused too
  CHECK(second.dataset_path == dir + "/spm.train.de-en.bin");

  // A corpus changed since preparation (one pair fewer): the dataset is stale and rebuilt.
  auto de = nmt::data::read_lines(dir + "/train.de");
  auto en = nmt::data::read_lines(dir + "/train.en");
  de.pop_back(), en.pop_back();
  nmt::data::write_lines_atomically(dir + "/train.de", de);
  nmt::data::write_lines_atomically(dir + "/train.en", en);
  const auto third = nmt::prepare_data(config);
  CHECK(third.dataset_built);
  CHECK(third.train->size() == 1999);

  // Files that no longer have the same number of lines: an error naming both.
  en.pop_back();
  nmt::data::write_lines_atomically(dir + "/train.en", en);
  CHECK_THROWS_WITH(nmt::prepare_data(config), Contains("train.de has 1999 lines") && Contains("train.en has 1998"));
}

TEST_CASE("the tokenizer trains on a bounded sample of a big corpus", "[prepare]") {
  const auto dir = nmt::test::scratch_dir("prepare-sample").string();
  auto config = generated_config(dir);
  config.tokenizer.max_training_sentences = 300;
  const auto prepared = nmt::prepare_data(config);
  CHECK(prepared.tokenizer_trained);
  CHECK(prepared.train->size() == 2000);  // the dataset still has every pair
}

TEST_CASE("separate tokenizers are trained per language", "[prepare]") {
  const auto dir = nmt::test::scratch_dir("prepare-separate").string();
  auto config = generated_config(dir);
  config.tokenizer.joint = false;
  const auto prepared = nmt::prepare_data(config);
  CHECK_FALSE(prepared.tokenizers.joint());
  CHECK(nmt::data::file_exists(dir + "/spm.de.model"));
  CHECK(nmt::data::file_exists(dir + "/spm.en.model"));
}

TEST_CASE("over-long and unbalanced training pairs are dropped and counted", "[prepare]") {
  const auto dir = nmt::test::scratch_dir("prepare-filter").string();
  auto config = generated_config(dir);
  nmt::prepare_data(config);  // corpus and tokenizer
  auto de = nmt::data::read_lines(dir + "/train.de");
  auto en = nmt::data::read_lines(dir + "/train.en");
  de[0] = "";
  en[1] = en[1] + " " + en[1] + " " + en[1] + " " + en[1];
  nmt::data::write_lines_atomically(dir + "/train.de", de);
  nmt::data::write_lines_atomically(dir + "/train.en", en);
  config.data.max_length_ratio = 2.0;
  config.data.max_length = 40;
  const auto prepared = nmt::prepare_data(config);
  const auto& s = prepared.train_stats;
  CHECK(s.dropped_empty == 1);
  CHECK(s.dropped_ratio + s.dropped_too_long >= 1);
  CHECK(s.kept + s.dropped_empty + s.dropped_ratio + s.dropped_too_long == 2000);
  CHECK(prepared.train->size() == static_cast<std::size_t>(s.kept));
}

TEST_CASE("a config without training files is a clear error", "[prepare]") {
  nmt::Config c;
  REQUIRE_THROWS_WITH(nmt::prepare_data(c), Contains("data.train"));
  c.data.train = "/nonexistent/train";
  c.data.valid = "/nonexistent/valid";
  c.tokenizer.prefix = "/nonexistent/spm";
  REQUIRE_THROWS_WITH(nmt::prepare_data(c), Contains("/nonexistent/train.de") && Contains("no such file"));
}

TEST_CASE("Multi30k prepares with a real 8k tokenizer", "[prepare][multi30k]") {
  const auto shared = nmt::test::shared_data("multi30k");
  if (shared.empty()) {
    WARN("SKIPPED: ../shared/data/multi30k is not present");
    return;
  }
  const auto dir = nmt::test::scratch_dir("prepare-multi30k").string();
  nmt::Config c;
  c.data.train = shared + "/train";
  c.data.valid = shared + "/valid";
  c.tokenizer.prefix = dir + "/spm";
  const auto prepared = nmt::prepare_data(c);
  const auto& s = prepared.train_stats;
  CHECK(s.read == 29000);
  CHECK(s.kept > 28900);
  CHECK(prepared.valid.size() == 1014);
  CHECK(prepared.tokenizers.src->vocab_size() == 8000);
  CHECK(static_cast<double>(s.src_unknown) / s.src_tokens < 0.001);
}

TEST_CASE("a missing corpus file is named with the rule that names corpus files", "[prepare]") {
  const auto dir = nmt::test::scratch_dir("prepare-missing").string();
  auto config = generated_config(dir);
  config.data.generate = false;
  config.data.src_lang = "fr";
  nmt::test::write_file(dir + "/train.fr", "Bonjour .\n");
  // train.en is missing.
  CHECK_THROWS_WITH(nmt::prepare_data(config), Contains(dir + "/train.en: no such file") &&
                                                   Contains("data.train is a prefix") &&
                                                   Contains(dir + "/train.fr and " + dir + "/train.en"));
  nmt::test::write_file(dir + "/train.en", "Hello .\n");
  CHECK_THROWS_WITH(nmt::prepare_data(config), Contains(dir + "/valid.fr: no such file") && Contains("data.valid"));
}
