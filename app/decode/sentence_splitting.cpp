#include "app/decode/sentence_splitting.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "data/text_file.h"

namespace nmt {

data::SentenceSplitter open_sentence_splitter(const std::string& language, const std::string& abbreviations_file) {
  if (!abbreviations_file.empty()) {
    std::string list;
    for (const auto& line : data::read_lines(abbreviations_file)) list += line + "\n";
    spdlog::info("splitting sentences with the abbreviations of {}", abbreviations_file);
    return data::SentenceSplitter::from_list(list, abbreviations_file);
  }
  if (data::SentenceSplitter::has_list(language))
    spdlog::info("splitting sentences with the rules of '{}' (data/abbreviations/{}.txt)", language, language);
  else
    spdlog::warn("no abbreviation list for source language '{}': sentences end at . ! ? … before a capital, "
                 "abbreviations included (--abbreviations FILE gives a list)",
                 language);
  return data::SentenceSplitter::for_language(language);
}

std::vector<std::string> translate_split(const Translator& translator, const data::SentenceSplitter& splitter,
                                         const std::vector<std::string>& texts, const SourcesDone& done,
                                         SplitCount* count) {
  std::vector<data::SplitText> split;
  std::vector<std::size_t> ends;  // sentences up to and including each text
  std::size_t sentences = 0;
  for (const auto& text : texts) {
    split.push_back(splitter.split(text));
    sentences += split.back().sentences.size();
    ends.push_back(sentences);
    if (count) count->split_texts += split.back().sentences.size() > 1;
  }
  if (count) {
    count->texts += texts.size();
    count->sentences += sentences;
  }
  SourcesDone texts_done;
  if (done)
    texts_done = [&](std::size_t sentences_done) {
      done(static_cast<std::size_t>(std::upper_bound(ends.begin(), ends.end(), sentences_done) - ends.begin()));
    };
  return data::rejoin(split, translator.translate(data::all_sentences(split), texts_done));
}

}  // namespace nmt
