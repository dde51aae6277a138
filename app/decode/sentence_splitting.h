#pragma once
// Paragraphs through a translator trained on sentences: each text is split
// (data/sentence_splitter.h), all sentences are translated in the same
// batches, and each text is put back together with its own spacing.
#include <string>
#include <vector>

#include "app/decode/translator.h"
#include "data/sentence_splitter.h"

namespace nmt {

// The splitter for source language `language`: the built-in list, or the
// one in `abbreviations_file` when given. Says on stderr which rules it uses.
data::SentenceSplitter open_sentence_splitter(const std::string& language, const std::string& abbreviations_file);

struct SplitCount {
  std::size_t texts = 0, split_texts = 0, sentences = 0;  // split_texts: those of more than one sentence
};

// Translates `texts` sentence by sentence; `done` is told the texts finished so far.
std::vector<std::string> translate_split(const Translator& translator, const data::SentenceSplitter& splitter,
                                         const std::vector<std::string>& texts, const SourcesDone& done = {},
                                         SplitCount* count = nullptr);

}  // namespace nmt
