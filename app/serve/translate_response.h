#pragma once
// The JSON answer to POST /translate.
#include <nlohmann/json_fwd.hpp>

#include <string>

#include "app/serve/batch_queue.h"
#include "app/serve/translate_request.h"

namespace nmt::serve {

// {"translation": ...} for a "text" request, {"translations": [...]} for
// "texts": each text's whole translation, its sentences' translations joined
// by the text's own spacing. A split request (the default) also has
// "sentences" per text: [{source, translation, separator (the whitespace
// after it), n_best, attention}]; with "split": false each text is one
// sentence and "n_best"/"attention" stand per text instead. "n_best" lists
// ({text, score, log_prob}) come when more than one was asked, "attention"
// ({source_pieces, target_pieces, weights[target][source],
// layers[layer][head][target][source]}) when asked. Then the model's name,
// the beam and the milliseconds the request took.
nlohmann::json translate_response(const TranslateRequest& request, const TranslationResult& result,
                                  const std::string& model_name, double milliseconds);

}  // namespace nmt::serve
