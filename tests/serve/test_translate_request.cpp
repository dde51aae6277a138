// POST /translate's body: what is accepted, and the field each rejection names.
#include <catch2/catch.hpp>

#include "app/serve/translate_request.h"

using nmt::serve::parse_translate_request;
using nmt::serve::RequestError;
using nmt::serve::ServeLimits;
using nmt::serve::TranslateRequest;

namespace {

// One token per space-separated word: enough to test the limit.
std::size_t words(const std::string& text) {
  std::size_t n = text.empty() ? 0 : 1;
  for (char c : text) n += c == ' ';
  return n;
}

TranslateRequest parse(const std::string& body, ServeLimits limits = {}, int default_beam = 5) {
  return parse_translate_request(body, limits, default_beam, words);
}

// The field a rejected body is blamed on, and the message.
std::pair<std::string, std::string> rejection(const std::string& body, ServeLimits limits = {}) {
  try {
    parse(body, limits);
  } catch (const RequestError& e) {
    return {e.field(), e.what()};
  }
  FAIL("accepted: " << body);
  return {};
}

}  // namespace

TEST_CASE("a single text or a list of texts, with search options", "[serve]") {
  const auto one = parse(R"({"text": "Ein Hund ."})");
  CHECK(one.single);
  CHECK(one.texts == std::vector<std::string>{"Ein Hund ."});
  CHECK(one.beam == 5);  // the model's default
  CHECK(one.n_best == 1);
  CHECK_FALSE(one.attention);

  const auto many = parse(R"({"texts": ["a", "", "b c"], "beam": 4, "n_best": 3, "attention": true})");
  CHECK_FALSE(many.single);
  CHECK(many.texts == std::vector<std::string>{"a", "", "b c"});
  CHECK(many.beam == 4);
  CHECK(many.n_best == 3);
  CHECK(many.attention);

  CHECK(one.split);  // texts are split into sentences unless the request says not
  CHECK(many.split_texts.size() == 3);
  CHECK(many.split_texts[1].sentences.empty());

  ServeLimits small;
  small.max_beam = 3;
  CHECK(parse(R"({"text": "a"})", small, 5).beam == 3);  // the default beam is capped, not refused
}

TEST_CASE("texts are split into sentences, and the limits count sentences", "[serve]") {
  using Catch::Matchers::Contains;
  ServeLimits limits;
  limits.max_sentences = 3;
  limits.max_source_tokens = 4;
  const auto splitter = nmt::data::SentenceSplitter::for_language("de");
  const auto parse_split = [&](const std::string& body) { return parse_translate_request(body, limits, 1, words, splitter); };

  const auto paragraph = parse_split(R"({"text": "Ein Hund läuft. Eine Katze\n\nschläft."})");
  REQUIRE(paragraph.split_texts.size() == 1);
  CHECK(paragraph.split_texts[0].sentences == std::vector<std::string>{"Ein Hund läuft.", "Eine Katze", "schläft."});
  CHECK(paragraph.split_texts[0].separators == std::vector<std::string>{" ", "\n\n"});
  // Each sentence is held to the token limit, not the whole text.
  const auto whole = parse_split(R"({"text": "Ein Hund. Eine Katze.", "split": false})");
  CHECK_FALSE(whole.split);
  CHECK(whole.split_texts[0].sentences == std::vector<std::string>{"Ein Hund. Eine Katze."});
  CHECK(parse_split(R"({"texts": ["A b. C d.", "E f."]})").split_texts.size() == 2);

  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {R"({"text": "Ja. Nein. Gut. Ende."})", "text", "4 sentences after splitting; the limit is 3"},
      {R"({"texts": ["Ja. Nein.", "Gut. Ende."]})", "texts", "4 sentences after splitting; the limit is 3"},
      {R"({"texts": ["Gut.", "Ja. Eins zwei drei vier fünf."]})", "texts[1]", "sentence 2: 5 source tokens; the limit is 4"},
      {R"({"text": "Ein Hund läuft. Eine Katze.", "split": false})", "text", "5 source tokens; the limit is 4"},
      {R"({"text": "a", "split": "no"})", "split", "expected true or false, got string"},
  };
  for (const auto& [body, field, message] : cases) {
    INFO(body);
    try {
      parse_split(body);
      FAIL("accepted");
    } catch (const RequestError& e) {
      CHECK(e.field() == field);
      CHECK_THAT(e.what(), Contains(message));
    }
  }
}

TEST_CASE("each malformed body is refused with the field at fault", "[serve]") {
  using Catch::Matchers::Contains;
  ServeLimits limits;
  limits.max_sentences = 3;
  limits.max_source_tokens = 4;
  limits.max_beam = 8;
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {R"({"text": "a")", "", "not valid JSON"},
      {"", "", "not valid JSON"},
      {R"(["a"])", "", "expected a JSON object, got array"},
      {R"({})", "text", "exactly one of"},
      {R"({"text": "a", "texts": ["b"]})", "text", "exactly one of"},
      {R"({"text": 3})", "text", "expected a string, got number"},
      {R"({"text": null})", "text", "expected a string, got null"},
      {R"({"texts": "a"})", "texts", "expected an array, got string"},
      {R"({"texts": []})", "texts", "is empty"},
      {R"({"texts": ["a", "b", "c", "d"]})", "texts", "4 sentences; the limit is 3"},
      {R"({"texts": ["a", 7]})", "texts[1]", "expected a string, got number"},
      {R"({"texts": ["a", "one two three four five"]})", "texts[1]", "5 source tokens; the limit is 4"},
      {R"({"text": "a", "beam": 0})", "beam", "out of range [1, 8]"},
      {R"({"text": "a", "beam": 9})", "beam", "out of range [1, 8]"},
      {R"({"text": "a", "beam": 2.5})", "beam", "expected an integer, got number"},
      {R"({"text": "a", "beam": "4"})", "beam", "expected an integer, got string"},
      {R"({"text": "a", "beam": 99999999999999999999})", "beam", "expected an integer"},
      {R"({"text": "a", "beam": 2, "n_best": 3})", "n_best", "out of range [1, 2]"},
      {R"({"text": "a", "attention": 1})", "attention", "expected true or false"},
      {R"({"text": "a", "beems": 2})", "beems", "unknown field"},
      {R"({"text": "\ud800"})", "", "surrogate"},
      {"{\"text\": \"\xC3\x28\"}", "", "not valid UTF-8 (byte 10)"},
  };
  for (const auto& [body, field, message] : cases) {
    INFO(body);
    const auto [got_field, got_message] = rejection(body, limits);
    CHECK(got_field == field);
    CHECK_THAT(got_message, Contains(message));
  }
}

TEST_CASE("deeply nested JSON is refused without exhausting the stack", "[serve]") {
  const std::string deep = "{\"text\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(rejection(deep).first == "text");
}
