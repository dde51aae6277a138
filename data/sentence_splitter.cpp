#include "data/sentence_splitter.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <sstream>

#include "common/error.h"
#include "data/utf8.h"

namespace nmt::data {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

bool is_terminal(char32_t c) { return c == U'.' || c == U'!' || c == U'?' || c == U'…'; }

bool is_closer(char32_t c) {
  return c == U'"' || c == U'\'' || c == U')' || c == U']' || c == U'}' || c == U'»' || c == U'«' || c == U'“' ||
         c == U'”' || c == U'‘' || c == U'’' || c == U'›' || c == U'‹';
}

bool is_opener(char32_t c) {
  return c == U'"' || c == U'\'' || c == U'(' || c == U'[' || c == U'{' || c == U'«' || c == U'»' || c == U'„' ||
         c == U'“' || c == U'‘' || c == U'‚' || c == U'›' || c == U'‹' || c == U'¿' || c == U'¡' || c == U'-' ||
         c == U'–' || c == U'—';
}

// Unicode letter classes through glibc's C.UTF-8 locale, which every Debian has.
locale_t unicode_ctype() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}
bool is_upper(char32_t c) {
  const auto l = unicode_ctype();
  return l ? iswupper_l(static_cast<wint_t>(c), l) != 0 : (c >= U'A' && c <= U'Z');
}
bool is_letter(char32_t c) {
  const auto l = unicode_ctype();
  return l ? iswalpha_l(static_cast<wint_t>(c), l) != 0 : ((c | 0x20) >= U'a' && (c | 0x20) <= U'z');
}
// A letter of a script without case (Arabic, Hebrew, CJK...) may start a sentence too.
bool is_caseless_letter(char32_t c) {
  const auto l = unicode_ctype();
  return l && iswalpha_l(static_cast<wint_t>(c), l) && !iswupper_l(static_cast<wint_t>(c), l) &&
         !iswlower_l(static_cast<wint_t>(c), l);
}
bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

template <typename Predicate>
bool all_of(std::string_view text, Predicate keep) {
  for (std::size_t at = 0; at < text.size();)
    if (!keep(next_code_point(text, at))) return false;
  return true;
}

// The token without opening marks in front and closing marks behind.
std::string_view core_of(std::string_view token) {
  std::size_t begin = 0, end = token.size();
  while (begin < end) {
    std::size_t at = begin;
    if (!is_opener(next_code_point(token, at))) break;
    begin = at;
  }
  while (end > begin) {
    std::size_t at = end;
    if (!is_closer(previous_code_point(token, at)) || at < begin) break;
    end = at;
  }
  return token.substr(begin, end - begin);
}

char32_t last_code_point(std::string_view text) {
  std::size_t end = text.size();
  return text.empty() ? 0 : previous_code_point(text, end);
}

// "3", "21": an ordinal where the language writes "21." for 21st; a year
// ("2020.") is not one.
bool is_ordinal(std::string_view word) {
  return !word.empty() && word.size() <= 3 && all_of(word, is_digit);
}

// "z.B", "U.S.A", "J.-C", "v.Chr": short runs of letters joined by periods.
bool is_dotted_letters(std::string_view word) {
  if (word.find('.') == std::string_view::npos) return false;
  std::size_t run = 0;
  for (std::size_t at = 0; at < word.size();) {
    const char32_t c = next_code_point(word, at);
    if (c == U'.') {
      if (run == 0) return false;
      run = 0;
    } else if (is_letter(c) || c == U'-') {
      if (++run > 4) return false;
    } else {
      return false;
    }
  }
  return run > 0;
}

}  // namespace

struct SentenceSplitter::Token {
  std::size_t begin = 0, end = 0;
  bool after_line_break = false;  // a line break comes between this token and the one before
  std::string_view text;
};

SentenceSplitter SentenceSplitter::for_language(const std::string& language) {
  return from_list(built_in_abbreviations(language), "data/abbreviations/" + language + ".txt");
}

bool SentenceSplitter::has_list(const std::string& language) { return !built_in_abbreviations(language).empty(); }

SentenceSplitter SentenceSplitter::from_list(std::string_view list, const std::string& origin) {
  SentenceSplitter splitter;
  std::istringstream in{std::string(list)};
  int number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string entry, extra;
    if (!(fields >> entry)) continue;
    const auto where = origin + ":" + std::to_string(number) + ": ";
    if (fields >> extra) throw Error(where + "one entry per line, found '" + extra + "' after '" + entry + "'");
    if (entry == "@ordinal-period") {
      splitter.ordinal_period_ = true;
    } else if (entry.back() != '.') {
      throw Error(where + "'" + entry + "' does not end with a period (an abbreviation, or @ordinal-period)");
    } else {
      splitter.abbreviations_.insert(entry);
    }
  }
  return splitter;
}

// Whether a sentence ends after tokens[last] (whose core ends with . ! ? or …)
// and the closing marks after it, given that tokens[next] follows.
bool SentenceSplitter::ends_sentence(const std::vector<Token>& tokens, std::size_t last, std::size_t next) const {
  // Opening marks of their own ("« Non", "– Dann") come before the word that decides.
  while (next + 1 < tokens.size() && !tokens[next + 1].after_line_break &&
         all_of(tokens[next].text, is_opener))
    ++next;
  // A digit does not start one: "Nr. 5", "Kapitel 3. 4 Leute" go on.
  const auto start = core_of(tokens[next].text);
  std::size_t at = 0;
  const char32_t first = start.empty() ? 0 : next_code_point(start, at);
  if (!is_upper(first) && !is_caseless_letter(first)) return false;

  const auto core = core_of(tokens[last].text);
  if (last_code_point(core) != U'.') return true;  // ! ? …
  const auto word = core.substr(0, core.size() - 1);
  if (word.empty() || word.back() == '.') return true;  // "." or an ellipsis "..."
  if (is_ordinal(word)) return !ordinal_period_;
  if (abbreviations_.count(core) > 0) return false;
  at = 0;
  if (is_letter(next_code_point(word, at)) && at == word.size()) return false;  // an initial
  return !is_dotted_letters(word);
}

SplitText SentenceSplitter::split(std::string_view text) const {
  std::vector<Token> tokens;
  bool line_break = false;
  for (std::size_t at = 0; at < text.size();) {
    if (is_space(text[at])) {
      line_break = line_break || text[at] == '\n' || text[at] == '\r';
      ++at;
      continue;
    }
    Token token;
    token.begin = at;
    while (at < text.size() && !is_space(text[at])) ++at;
    token.end = at;
    token.after_line_break = line_break && !tokens.empty();
    token.text = text.substr(token.begin, token.end - token.begin);
    tokens.push_back(token);
    line_break = false;
  }

  const auto closing_only = [](std::string_view t) {
    return all_of(t, [](char32_t c) { return is_terminal(c) || is_closer(c); });
  };
  std::vector<std::size_t> ends;  // tokens that end a sentence
  for (std::size_t i = 0; i < tokens.size();) {
    std::size_t next = i + 1;
    if (is_terminal(last_code_point(core_of(tokens[i].text)))) {
      // A quote mark that also opens ('"', '«') closes at most once: in `? " "Non` the second opens.
      bool closed_quote = false;
      while (next < tokens.size() && !tokens[next].after_line_break && closing_only(tokens[next].text)) {
        const bool quote = !all_of(tokens[next].text, [](char32_t c) { return !is_opener(c); });
        if (quote && closed_quote) break;
        closed_quote = closed_quote || quote;
        ++next;
      }
      if (next < tokens.size() && (tokens[next].after_line_break || ends_sentence(tokens, i, next)))
        ends.push_back(next - 1);
    } else if (next < tokens.size() && tokens[next].after_line_break) {
      ends.push_back(i);
    }
    i = next;
  }
  if (!tokens.empty()) ends.push_back(tokens.size() - 1);

  SplitText out;
  std::size_t first = 0;
  for (const auto last : ends) {
    if (!out.sentences.empty())
      out.separators.emplace_back(text.substr(tokens[first - 1].end, tokens[first].begin - tokens[first - 1].end));
    out.sentences.emplace_back(text.substr(tokens[first].begin, tokens[last].end - tokens[first].begin));
    first = last + 1;
  }
  return out;
}

std::vector<std::string> all_sentences(const std::vector<SplitText>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts) out.insert(out.end(), t.sentences.begin(), t.sentences.end());
  return out;
}

std::vector<std::string> rejoin(const std::vector<SplitText>& texts, const std::vector<std::string>& translations) {
  std::vector<std::string> out;
  std::size_t next = 0;
  for (const auto& t : texts) {
    if (next + t.sentences.size() > translations.size())
      throw Error("rejoin: " + std::to_string(translations.size()) + " translations for more sentences");
    std::string joined;
    for (std::size_t s = 0; s < t.sentences.size(); ++s) {
      if (s > 0) joined += t.separators[s - 1];
      joined += translations[next++];
    }
    out.push_back(std::move(joined));
  }
  return out;
}

}  // namespace nmt::data
