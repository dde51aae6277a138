#include "app/decode/translation_speed.h"

#include <algorithm>
#include <chrono>

#include "models/flop_count.h"

namespace nmt {

TranslationSpeed measure_translation(const Translator& translator, const std::vector<std::string>& sources,
                                     int single) {
  using Clock = std::chrono::steady_clock;
  const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const auto tokens_of = [&](const std::vector<std::string>& outputs) {
    double n = 0;
    for (const auto& o : outputs) n += static_cast<double>(translator.tokenizers().tgt->encode(o).size()) + 1;
    return n;
  };
  TranslationSpeed speed;
  speed.batched_sentences = sources.size();
  speed.single_sentences = std::min<int>(single, static_cast<int>(sources.size()));
  auto start = Clock::now();
  std::vector<std::string> outputs;
  double flops = 0;
  {
    const models::FlopCount count;
    outputs = translator.translate(sources);
    flops = count.flops();
  }
  const double batch_seconds = since(start);
  speed.batched_seconds = batch_seconds;
  speed.batched_gflops_per_second = flops / batch_seconds / 1e9;
  std::vector<std::string> single_outputs;
  start = Clock::now();
  for (int i = 0; i < speed.single_sentences; ++i) single_outputs.push_back(translator.translate({sources[i]}).front());
  const double single_seconds = since(start);
  speed.batched_sentences_per_second = sources.size() / batch_seconds;
  speed.batched_tokens_per_second = tokens_of(outputs) / batch_seconds;
  speed.single_sentences_per_second = speed.single_sentences / single_seconds;
  speed.single_tokens_per_second = tokens_of(single_outputs) / single_seconds;
  return speed;
}

}  // namespace nmt
