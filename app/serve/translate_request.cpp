#include "app/serve/translate_request.h"

#include <nlohmann/json.hpp>

#include "data/utf8.h"

namespace nmt::serve {
namespace {

using nlohmann::json;

const char* type_name(const json& value) { return value.type_name(); }

int integer_field(const json& body, const std::string& key, int fallback, int low, int high) {
  if (!body.contains(key)) return fallback;
  const auto& value = body.at(key);
  if (!value.is_number_integer())
    throw RequestError(key, std::string("expected an integer, got ") + type_name(value));
  const auto n = value.get<long long>();
  if (n < low || n > high)
    throw RequestError(key, std::to_string(n) + " is out of range [" + std::to_string(low) + ", " +
                                std::to_string(high) + "]");
  return static_cast<int>(n);
}

bool boolean_field(const json& body, const std::string& key, bool fallback) {
  if (!body.contains(key)) return fallback;
  const auto& value = body.at(key);
  if (!value.is_boolean()) throw RequestError(key, std::string("expected true or false, got ") + type_name(value));
  return value.get<bool>();
}

std::string checked_text(const json& value, const std::string& field) {
  if (!value.is_string()) throw RequestError(field, std::string("expected a string, got ") + type_name(value));
  auto text = value.get<std::string>();
  // A lone surrogate in a \u escape becomes bytes that are not UTF-8.
  if (const auto bad = data::find_invalid_utf8(text); bad != std::string::npos)
    throw RequestError(field, "invalid UTF-8 at byte " + std::to_string(bad));
  return text;
}

// Splits the texts (or takes each as one sentence) and checks the limits on sentences.
void split_and_check(TranslateRequest& request, const ServeLimits& limits,
                     const std::function<std::size_t(const std::string&)>& count_tokens,
                     const data::SentenceSplitter& splitter) {
  std::size_t sentences = 0;
  for (const auto& text : request.texts) {
    request.split_texts.push_back(request.split ? splitter.split(text) : data::SplitText{{text}, {}});
    sentences += request.split_texts.back().sentences.size();
  }
  const std::string field = request.single ? "text" : "texts";
  if (sentences > static_cast<std::size_t>(limits.max_sentences))
    throw RequestError(field, std::to_string(sentences) + " sentences after splitting; the limit is " +
                                  std::to_string(limits.max_sentences));
  for (std::size_t i = 0; i < request.texts.size(); ++i) {
    const auto& split = request.split_texts[i].sentences;
    for (std::size_t s = 0; s < split.size(); ++s) {
      const auto tokens = count_tokens(split[s]);
      if (tokens <= static_cast<std::size_t>(limits.max_source_tokens)) continue;
      const auto where = request.single ? field : field + "[" + std::to_string(i) + "]";
      const auto which = split.size() > 1 ? "sentence " + std::to_string(s + 1) + ": " : std::string();
      throw RequestError(where, which + std::to_string(tokens) + " source tokens; the limit is " +
                                    std::to_string(limits.max_source_tokens));
    }
  }
}

}  // namespace

TranslateRequest parse_translate_request(const std::string& body, const ServeLimits& limits, int default_beam,
                                         const std::function<std::size_t(const std::string&)>& count_tokens,
                                         const data::SentenceSplitter& splitter) {
  if (const auto bad = data::find_invalid_utf8(body); bad != std::string::npos)
    throw RequestError("", "the body is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  json parsed;
  try {
    parsed = json::parse(body);
  } catch (const json::parse_error& e) {  // says what and where: "... at line 1, column 14: ..."
    const std::string what = e.what();
    const auto detail = what.find("] ");
    throw RequestError("", "the body is not valid JSON: " + what.substr(detail == std::string::npos ? 0 : detail + 2));
  }
  if (!parsed.is_object()) throw RequestError("", std::string("expected a JSON object, got ") + type_name(parsed));
  for (const auto& [key, value] : parsed.items()) {
    (void)value;
    if (key != "text" && key != "texts" && key != "beam" && key != "n_best" && key != "attention" && key != "split")
      throw RequestError(key, "unknown field (expected text or texts, and optionally beam, n_best, attention, split)");
  }

  TranslateRequest request;
  const bool has_text = parsed.contains("text"), has_texts = parsed.contains("texts");
  if (has_text == has_texts) throw RequestError("text", "give exactly one of \"text\" and \"texts\"");
  if (has_text) {
    request.single = true;
    request.texts.push_back(checked_text(parsed.at("text"), "text"));
  } else {
    const auto& texts = parsed.at("texts");
    if (!texts.is_array()) throw RequestError("texts", std::string("expected an array, got ") + type_name(texts));
    if (texts.empty()) throw RequestError("texts", "is empty");
    if (texts.size() > static_cast<std::size_t>(limits.max_sentences))
      throw RequestError("texts", std::to_string(texts.size()) + " sentences; the limit is " +
                                      std::to_string(limits.max_sentences));
    for (std::size_t i = 0; i < texts.size(); ++i)
      request.texts.push_back(checked_text(texts[i], "texts[" + std::to_string(i) + "]"));
  }
  request.beam = integer_field(parsed, "beam", std::min(default_beam, limits.max_beam), 1, limits.max_beam);
  request.n_best = integer_field(parsed, "n_best", 1, 1, request.beam);
  request.attention = boolean_field(parsed, "attention", false);
  request.split = boolean_field(parsed, "split", true);
  split_and_check(request, limits, count_tokens, splitter);
  return request;
}

}  // namespace nmt::serve
