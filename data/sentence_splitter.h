#pragma once
// Splits a paragraph into sentences, so that models trained on single
// sentences see one at a time, and puts the translations back together with
// the paragraph's own spacing.
//
// A sentence ends at whitespace after . ! ? or … (closing quotes and brackets
// may follow, also as tokens of their own, as French writes "Quoi ? »") when
// the next word starts with a capital letter, or a letter of a script without
// case (opening quotes or brackets may come first). It does not end after an
// abbreviation of the language, a single letter ("z. B.", "J. R. R."), letters
// joined by periods ("z.B.", "U.S.A."), or, where the language writes
// ordinals with a period, a number of up to three digits ("21. Juli"); nor
// before a digit, nor inside a token ("3.5", "1.000", URLs, e-mail
// addresses). A line break always ends a sentence.
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::data {

// A text as sentences and the whitespace between them: separators[i] follows
// sentences[i] (one fewer than the sentences). Whitespace before the first
// and after the last sentence is not kept, as a translator drops it too.
struct SplitText {
  std::vector<std::string> sentences;
  std::vector<std::string> separators;
};

class SentenceSplitter {
 public:
  // The rules of `language` (an ISO 639-1 code, as data.src_lang): de, en
  // and fr have built-in lists (data/abbreviations/); other languages get
  // the general rules alone.
  static SentenceSplitter for_language(const std::string& language);
  // A list in the format of data/abbreviations/*.txt; `origin` names it in errors.
  static SentenceSplitter from_list(std::string_view list, const std::string& origin);
  // Whether `language` has a built-in list.
  static bool has_list(const std::string& language);

  SplitText split(std::string_view text) const;

 private:
  struct Token;
  bool ends_sentence(const std::vector<Token>& tokens, std::size_t last, std::size_t next) const;

  std::set<std::string, std::less<>> abbreviations_;
  bool ordinal_period_ = false;  // "21." is an ordinal
};

// Every sentence of `texts`, in order (what a translator is given).
std::vector<std::string> all_sentences(const std::vector<SplitText>& texts);

// Puts each text back together from its sentences' translations, given in
// the order of all_sentences.
std::vector<std::string> rejoin(const std::vector<SplitText>& texts, const std::vector<std::string>& translations);

// The built-in list of a language, or an empty view (generated from data/abbreviations/).
std::string_view built_in_abbreviations(std::string_view language);

}  // namespace nmt::data
