#pragma once
// The JSON answer to POST /translate.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "app/serve/batch_queue.h"
#include "app/serve/translate_request.h"

namespace nmt::serve {

// {"translation": ...} for a "text" request, {"translations": [...]} for
// "texts"; "n_best" lists ({text, score, log_prob}) when more than one was
// asked; "attention" ({source_pieces, target_pieces, weights[target][source],
// layers[layer][head][target][source]}) when asked; the model's name and the
// milliseconds the request took.
nlohmann::json translate_response(const TranslateRequest& request, const TranslationResult& result,
                                  const std::string& model_name, double milliseconds);

}  // namespace nmt::serve
