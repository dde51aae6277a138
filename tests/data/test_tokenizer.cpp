#include <catch2/catch.hpp>

#include "common/error.h"
#include "data/generated_corpus.h"
#include "data/text_file.h"
#include "data/tokenizer.h"
#include "helpers.h"

using Catch::Matchers::Contains;
using nmt::data::Tokenizer;

namespace {

// Real sentences with German umlauts and ß and French accents, and the
// generated corpus for bulk, so the tokenizer sees enough text to train.
std::vector<std::string> training_text() {
  std::vector<std::string> text = {
      "Zwei junge Männer grüßen die Ärztin vor dem Gebäude.",
      "Über die Brücke fährt ein großer Lastwagen.",
      "Öffne bitte die Tür, es ist heiß.",
      "Les élèves préfèrent la forêt à la plage.",
      "Où est la bibliothèque ? Ça dépend.",
      "Noël est déjà passé, à bientôt !",
  };
  const auto corpus = nmt::data::generate_corpus(7, 3000, 1, 1);
  text.insert(text.end(), corpus.train.de.begin(), corpus.train.de.end());
  text.insert(text.end(), corpus.train.en.begin(), corpus.train.en.end());
  return text;
}

std::string trained_model(const std::string& name, const std::string& type) {
  const auto path = (nmt::test::scratch_dir("tok-" + name) / "spm.model").string();
  const auto text = training_text();
  nmt::data::TokenizerTrainOptions options;
  options.type = type;
  options.vocab_size = 300;
  nmt::data::train_tokenizer({&text}, options, path);
  return path;
}

}  // namespace

TEST_CASE("a trained tokenizer round-trips German and French text", "[tokenizer]") {
  for (const char* type : {"unigram", "bpe"}) {
    Tokenizer tok(trained_model(type, type));
    CHECK(tok.vocab_size() == 300);
    for (const std::string s : {"Zwei junge Männer grüßen die Ärztin vor dem Gebäude.",
                                "Les élèves préfèrent la forêt à la plage.",
                                "Öffne bitte die Tür, es ist heiß.", "Noël est déjà passé, à bientôt !"}) {
      const auto ids = tok.encode(s);
      REQUIRE_FALSE(ids.empty());
      for (int id : ids) CHECK((id >= 4 && id < 300));  // never a special id
      CHECK(tok.decode(ids) == s);
    }
  }
}

TEST_CASE("special ids are fixed and skipped when decoding", "[tokenizer]") {
  Tokenizer tok(trained_model("special", "unigram"));
  auto ids = tok.encode("Die Kinder haben zehn Bücher gekauft .");
  std::vector<int> framed = {nmt::data::kBosId};
  framed.insert(framed.end(), ids.begin(), ids.end());
  framed.push_back(nmt::data::kEosId);
  framed.push_back(nmt::data::kPadId);
  CHECK(tok.decode(framed) == "Die Kinder haben zehn Bücher gekauft .");
  CHECK(tok.pieces({nmt::data::kUnkId}) == std::vector<std::string>{"<unk>"});
}

TEST_CASE("unseen characters become the unknown id", "[tokenizer]") {
  Tokenizer tok(trained_model("unknown", "unigram"));
  const auto ids = tok.encode("日本");
  CHECK(std::find(ids.begin(), ids.end(), nmt::data::kUnkId) != ids.end());
}

TEST_CASE("tokenizer errors name the model file", "[tokenizer]") {
  const auto dir = nmt::test::scratch_dir("tok-errors");
  REQUIRE_THROWS_WITH(Tokenizer((dir / "none.model").string()), Contains("none.model") && Contains("not found"));
  const auto junk = (dir / "junk.model").string();
  nmt::test::write_file(junk, "this is not a protobuf");
  REQUIRE_THROWS_WITH(Tokenizer(junk), Contains(junk) && Contains("not a SentencePiece model"));
  const auto text = training_text();
  nmt::data::TokenizerTrainOptions options;
  options.vocab_size = 100000;
  REQUIRE_THROWS_WITH(nmt::data::train_tokenizer({&text}, options, (dir / "big.model").string()),
                      Contains("big.model") && Contains("Vocabulary size too high"));
}

TEST_CASE("a tokenizer trained on Multi30k covers its test set", "[tokenizer][multi30k]") {
  const auto dir = nmt::test::shared_data("multi30k");
  if (dir.empty()) {
    WARN("SKIPPED: ../shared/data/multi30k is not present");
    return;
  }
  const auto de = nmt::data::read_lines(dir + "/train.de");
  const auto en = nmt::data::read_lines(dir + "/train.en");
  REQUIRE(de.size() == 29000);
  const auto path = (nmt::test::scratch_dir("tok-multi30k") / "spm.model").string();
  nmt::data::TokenizerTrainOptions options;
  options.vocab_size = 8000;
  nmt::data::train_tokenizer({&de, &en}, options, path);
  Tokenizer tok(path);
  std::size_t tokens = 0, unknown = 0;
  for (const auto& lang : {"de", "en"}) {
    for (const auto& line : nmt::data::read_lines(dir + "/test2016." + lang)) {
      const auto ids = tok.encode(line);
      tokens += ids.size();
      unknown += std::count(ids.begin(), ids.end(), nmt::data::kUnkId);
      REQUIRE(tok.decode(ids) == line);
    }
  }
  CHECK(static_cast<double>(unknown) / tokens < 0.001);
  CHECK(static_cast<double>(tokens) / 2000 < 25);  // subwords, not characters
}
