#pragma once
// Translation speed of a translator: a whole file in batches, and sentences
// one at a time (what an interactive user sees).
#include <string>
#include <vector>

#include "app/decode/translator.h"

namespace nmt {

struct TranslationSpeed {
  std::size_t batched_sentences = 0;
  int single_sentences = 0;
  double batched_sentences_per_second = 0, batched_tokens_per_second = 0;
  double single_sentences_per_second = 0, single_tokens_per_second = 0;
  double batched_gflops_per_second = 0;  // matrix products only (models/flop_count.h)
  double batched_seconds = 0;
};

// Output tokens count the target pieces of each translation plus its EOS.
// The first `single` sources are also translated one at a time.
TranslationSpeed measure_translation(const Translator& translator, const std::vector<std::string>& sources,
                                     int single);

}  // namespace nmt
