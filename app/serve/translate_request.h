#pragma once
// The body of POST /translate, parsed and checked before anything is queued:
// every way it can be wrong is a RequestError naming the field.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "app/serve/serve_limits.h"
#include "common/error.h"
#include "data/sentence_splitter.h"

namespace nmt::serve {

struct TranslateRequest {
  std::vector<std::string> texts;
  // Each text as the sentences the model is given: split unless the request
  // says "split": false, when a text is one sentence as it stands.
  std::vector<data::SplitText> split_texts;
  bool split = true;
  bool single = false;     // {"text": ...}: the answer has "translation", not "translations"
  int beam = 1;
  int n_best = 1;          // > 1: the answer has n-best lists with scores
  bool attention = false;  // the answer has each best translation's attention
};

// A request the client must fix (HTTP 400); `field` is the JSON path at fault.
class RequestError : public Error {
 public:
  RequestError(std::string field, const std::string& message)
      : Error(field.empty() ? message : field + ": " + message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// Parses and checks `body` against `limits` (which count sentences after
// splitting). `default_beam` is the model's decoding.beam_size;
// `count_tokens` gives a sentence's source pieces.
TranslateRequest parse_translate_request(const std::string& body, const ServeLimits& limits, int default_beam,
                                         const std::function<std::size_t(const std::string&)>& count_tokens,
                                         const data::SentenceSplitter& splitter = {});

}  // namespace nmt::serve
