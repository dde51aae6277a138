#include "app/serve/translate_response.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace nmt::serve {
namespace {

using nlohmann::json;

// Four decimals draw the same heatmap and keep the JSON a quarter of the size.
json rounded(const std::vector<std::vector<float>>& matrix) {
  json out = json::array();
  for (const auto& row : matrix) {
    json r = json::array();
    for (float w : row) r.push_back(std::round(static_cast<double>(w) * 1e4) / 1e4);
    out.push_back(std::move(r));
  }
  return out;
}

json attention_json(const AttentionMap& map) {
  json out = {{"source_pieces", map.source_pieces}, {"target_pieces", map.target_pieces},
              {"weights", rounded(map.weights)}};
  if (!map.layer_head_weights.empty()) {
    json& layers = out["layers"] = json::array();
    for (const auto& heads : map.layer_head_weights) {
      json l = json::array();
      for (const auto& head : heads) l.push_back(rounded(head));
      layers.push_back(std::move(l));
    }
  }
  return out;
}

json n_best_json(const std::vector<ScoredTranslation>& list) {
  json out = json::array();
  for (const auto& t : list) out.push_back({{"text", t.text}, {"score", t.score}, {"log_prob", t.log_prob}});
  return out;
}

// One text's answer: its translation, and per sentence when it was split.
struct TextAnswer {
  json translation, n_best, attention, sentences;
};

TextAnswer text_answer(const TranslateRequest& request, const data::SplitText& split, const TranslationResult& result,
                       std::size_t first) {
  TextAnswer out;
  std::vector<std::string> best;
  for (std::size_t s = 0; s < split.sentences.size(); ++s) best.push_back(result.n_best.at(first + s).front().text);
  out.translation = data::rejoin({split}, best).front();
  if (!request.split) {  // one sentence, as it stands
    if (request.n_best > 1) out.n_best = n_best_json(result.n_best.at(first));
    if (request.attention) out.attention = attention_json(result.attention.at(first));
    return out;
  }
  out.sentences = json::array();
  for (std::size_t s = 0; s < split.sentences.size(); ++s) {
    json sentence = {{"source", split.sentences[s]},
                     {"translation", best[s]},
                     {"separator", s < split.separators.size() ? split.separators[s] : ""}};
    if (request.n_best > 1) sentence["n_best"] = n_best_json(result.n_best.at(first + s));
    if (request.attention) sentence["attention"] = attention_json(result.attention.at(first + s));
    out.sentences.push_back(std::move(sentence));
  }
  return out;
}

}  // namespace

json translate_response(const TranslateRequest& request, const TranslationResult& result,
                        const std::string& model_name, double milliseconds) {
  std::vector<TextAnswer> answers;
  std::size_t first = 0;
  for (const auto& split : request.split_texts) {
    answers.push_back(text_answer(request, split, result, first));
    first += split.sentences.size();
  }
  // The request's "text" gets one value, "texts" an array of them.
  const auto per_text = [&](json TextAnswer::*field) {
    if (request.single) return answers.front().*field;
    json out = json::array();
    for (const auto& a : answers) out.push_back(a.*field);
    return out;
  };
  json out;
  out[request.single ? "translation" : "translations"] = per_text(&TextAnswer::translation);
  if (request.split) out["sentences"] = per_text(&TextAnswer::sentences);
  if (!request.split && request.n_best > 1) out["n_best"] = per_text(&TextAnswer::n_best);
  if (!request.split && request.attention) out["attention"] = per_text(&TextAnswer::attention);
  out["model"] = model_name;
  out["beam"] = request.beam;
  out["time_ms"] = milliseconds;
  return out;
}

}  // namespace nmt::serve
