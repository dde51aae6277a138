// The translator on an untrained model: what it promises does not depend on
// the translations being good.
#include <catch2/catch.hpp>

#include <numeric>

#include "app/decode/heatmap.h"
#include "app/decode/translator.h"
#include "common/error.h"
#include "tiny_model.h"

using Catch::Matchers::Contains;

namespace {

const std::vector<std::string> kSources = {"Wir haben drei Bücher gekauft .", "",
                                           "Am ersten Mai fährt unser Nachbar nach Berlin .",
                                           "Zwei rote Autos ."};

nmt::Translator translator_for(const nmt::test::TinyModel& t, int beam, int batch_size) {
  auto decoding = t.config.decoding;
  decoding.beam_size = beam;
  decoding.batch_size = batch_size;
  decoding.max_length_b = 5;  // an untrained model rarely stops on its own
  return nmt::Translator(t.model, t.data.tokenizers, decoding, "cpu");
}

}  // namespace

TEST_CASE("translations keep the input order, and an empty line stays empty", "[translator]") {
  const auto t = nmt::test::tiny_model("translator-order");
  const auto batched = translator_for(t, 1, 64).translate(kSources);
  REQUIRE(batched.size() == kSources.size());
  CHECK(batched[1].empty());
  // One sentence at a time, in batches of one: the same text for each line.
  const auto single = translator_for(t, 1, 1);
  for (std::size_t i = 0; i < kSources.size(); ++i) CHECK(single.translate({kSources[i]}).front() == batched[i]);
  CHECK(translator_for(t, 1, 64).translate({}).empty());
}

TEST_CASE("n-best lists are sorted by score and as long as asked", "[translator]") {
  const auto t = nmt::test::tiny_model("translator-nbest");
  const auto lists = translator_for(t, 4, 2).translate_n_best(kSources, 3);
  REQUIRE(lists.size() == kSources.size());
  CHECK(lists[1].size() == 1);  // the empty source
  for (std::size_t i : {0, 2, 3}) {
    REQUIRE(lists[i].size() == 3);
    CHECK(lists[i][0].score >= lists[i][1].score);
    CHECK(lists[i][1].score >= lists[i][2].score);
  }
  // The best of the list is what translate() gives with the same beam.
  CHECK(translator_for(t, 4, 2).translate({kSources[0]}).front() == lists[0][0].text);
}

TEST_CASE("attention has a row per target piece and a column per source piece", "[translator]") {
  const auto t = nmt::test::tiny_model("translator-attention");
  nmt::AttentionMap map;
  const auto text = translator_for(t, 1, 64).translate_with_attention(kSources[0], map);
  CHECK(text == translator_for(t, 1, 64).translate({kSources[0]}).front());
  REQUIRE(map.weights.size() == map.target_pieces.size());
  CHECK(map.source_pieces.back() == "</s>");
  for (const auto& row : map.weights) {
    REQUIRE(row.size() == map.source_pieces.size());
    double sum = 0;
    for (float w : row) sum += w;
    CHECK(sum == Approx(1.0).margin(1e-4));
  }
  const auto svg = nmt::attention_svg(map);
  CHECK_THAT(svg, Contains("<svg") && Contains("&lt;/s&gt;"));
}

TEST_CASE("a Transformer's self-attention maps: the encoder's source by source, the decoder's causal", "[translator]") {
  const auto t = nmt::test::tiny_model("translator-self-attention", "transformer");
  nmt::AttentionMap map;
  const auto translator = translator_for(t, 1, 64);
  translator.translate_with_attention(kSources[0], map);
  CHECK(map.encoder_self.empty());  // only when asked
  const auto text = translator.translate_with_attention(kSources[0], map, 0, true);
  CHECK(text == translator.translate({kSources[0]}).front());
  const auto S = map.source_pieces.size(), T = map.target_pieces.size();
  REQUIRE(map.encoder_self.size() == 2);  // layers
  REQUIRE(map.decoder_self.size() == 2);
  REQUIRE(map.decoder_inputs.size() == T);
  CHECK(map.decoder_inputs.front() == "<s>");
  for (std::size_t l = 0; l < 2; ++l) {
    REQUIRE(map.encoder_self[l].size() == 2);  // heads
    for (const auto& head : map.encoder_self[l]) {
      REQUIRE(head.size() == S);
      for (const auto& row : head) {
        REQUIRE(row.size() == S);
        CHECK(std::accumulate(row.begin(), row.end(), 0.0) == Approx(1.0).margin(1e-4));
      }
    }
    for (const auto& head : map.decoder_self[l]) {
      REQUIRE(head.size() == T);
      for (std::size_t q = 0; q < T; ++q) {
        REQUIRE(head[q].size() == T);
        CHECK(std::accumulate(head[q].begin(), head[q].end(), 0.0) == Approx(1.0).margin(1e-4));
        for (std::size_t k = q + 1; k < T; ++k) CHECK(head[q][k] == 0.0f);  // no look ahead
      }
    }
  }
  const auto dir = nmt::test::scratch_dir("translator-self-attention-svg");
  nmt::write_heatmaps(map, (dir / "att.svg").string(), true);
  for (const auto* name : {"att.svg", "att-layer2-head2.svg", "att-encoder-layer1-head2.svg", "att-decoder-layer2-head1.svg"})
    CHECK(std::filesystem::exists(dir / name));
  // A GRU has no self-attention.
  const auto gru = nmt::test::tiny_model("translator-self-attention-gru");
  nmt::AttentionMap gru_map;
  translator_for(gru, 1, 64).translate_with_attention(kSources[0], gru_map, 0, true);
  CHECK(gru_map.encoder_self.empty());
}

TEST_CASE("opening a model for translation accepts only decoding overrides", "[translator]") {
  nmt::TranslateOptions options;
  options.overrides = {"training.learning_rate=0.1"};
  CHECK_THROWS_WITH(nmt::open_translator("no-such-dir", options), Contains("only decoding.* can be set"));
  options.overrides = {};
  CHECK_THROWS_WITH(nmt::open_translator("no-such-dir", options), Contains("no-such-dir: model directory not found"));
}

TEST_CASE("the translator reports progress after each batch, ending at all sources", "[translator]") {
  const auto t = nmt::test::tiny_model("translator-progress");
  std::vector<std::size_t> reports;
  const auto out = translator_for(t, 1, 2).translate(kSources, [&](std::size_t done) { reports.push_back(done); });
  REQUIRE(out.size() == kSources.size());
  // Three non-empty sources in batches of two (the empty one counts as done at once): 3 of 4, then 4.
  CHECK(reports == std::vector<std::size_t>{3, 4});
}
