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

// The request's "text" gets one value, "texts" an array of them.
template <typename F>
json per_text(const TranslateRequest& request, std::size_t count, F value_of) {
  if (request.single) return value_of(0);
  json out = json::array();
  for (std::size_t i = 0; i < count; ++i) out.push_back(value_of(i));
  return out;
}

}  // namespace

json translate_response(const TranslateRequest& request, const TranslationResult& result,
                        const std::string& model_name, double milliseconds) {
  const auto n = request.texts.size();
  json out;
  out[request.single ? "translation" : "translations"] =
      per_text(request, n, [&](std::size_t i) { return json(result.n_best.at(i).front().text); });
  if (request.n_best > 1)
    out["n_best"] = per_text(request, n, [&](std::size_t i) { return n_best_json(result.n_best.at(i)); });
  if (request.attention)
    out["attention"] = per_text(request, n, [&](std::size_t i) { return attention_json(result.attention.at(i)); });
  out["model"] = model_name;
  out["beam"] = request.beam;
  out["time_ms"] = milliseconds;
  return out;
}

}  // namespace nmt::serve
