#include "app/metrics/bleu.h"

#include <cmath>
#include <cstdio>
#include <unordered_map>

#include "app/metrics/unicode_text.h"
#include "common/error.h"

namespace nmt {
namespace {

void replace_all(std::u32string& s, const std::u32string& from, const std::u32string& to) {
  std::u32string out;
  std::size_t pos = 0;
  for (std::size_t hit; (hit = s.find(from, pos)) != std::u32string::npos; pos = hit + from.size())
    out.append(s, pos, hit - pos).append(to);
  out.append(s, pos, std::u32string::npos);
  s.swap(out);
}

bool is_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_period_or_comma(char32_t c) { return c == U'.' || c == U','; }

// The class [\{-\~\[-\` -\&\(-\+\:-\@\/] of 13a's first rule.
bool is_split_symbol(char32_t c) {
  return (c >= U'{' && c <= U'~') || (c >= U'[' && c <= U'`') || (c >= U' ' && c <= U'&') ||
         (c >= U'(' && c <= U'+') || (c >= U':' && c <= U'@') || c == U'/';
}

// Each rule below is one of 13a's regex substitutions; the loops scan left to
// right and never re-read what a match consumed, as re.sub does.
std::u32string split_symbols(const std::u32string& s) {
  std::u32string out;
  for (char32_t c : s) {
    if (is_split_symbol(c)) out += U' ', out += c, out += U' ';
    else out += c;
  }
  return out;
}

// ([^0-9])([\.,]) -> "\1 \2 "
std::u32string split_after_non_digit(const std::u32string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && !is_digit(s[i]) && is_period_or_comma(s[i + 1])) {
      out += s[i], out += U' ', out += s[i + 1], out += U' ';
      i += 2;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// ([\.,])([^0-9]) -> " \1 \2"
std::u32string split_before_non_digit(const std::u32string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && is_period_or_comma(s[i]) && !is_digit(s[i + 1])) {
      out += U' ', out += s[i], out += U' ', out += s[i + 1];
      i += 2;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// ([0-9])(-) -> "\1 \2 "
std::u32string split_dash_after_digit(const std::u32string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    if (i + 1 < s.size() && is_digit(s[i]) && s[i + 1] == U'-') {
      out += s[i], out += U' ', out += U'-', out += U' ';
      i += 2;
    } else {
      out += s[i++];
    }
  }
  return out;
}

using NgramCounts = std::unordered_map<std::string, std::int64_t>;

// All 1..4-grams of the tokens, keyed by the tokens joined with spaces
// (13a tokens never contain a space).
std::array<NgramCounts, 4> count_ngrams(const std::vector<std::string>& tokens) {
  std::array<NgramCounts, 4> counts;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string key;
    for (std::size_t n = 0; n < 4 && i + n < tokens.size(); ++n) {
      if (n) key += ' ';
      key += tokens[i + n];
      ++counts[n][key];
    }
  }
  return counts;
}

}  // namespace

// The signature names the sacreBLEU release whose output this reproduces.
const char* const kBleuSignature = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0";

std::vector<std::string> tokenize_13a(const std::string& line) {
  // sacreBLEU strips trailing whitespace before tokenizing.
  std::u32string s(rstrip_python_whitespace(utf8_to_u32(line)));
  replace_all(s, U"<skipped>", U"");
  replace_all(s, U"-\n", U"");
  replace_all(s, U"\n", U" ");
  if (s.find(U'&') != std::u32string::npos) {
    replace_all(s, U"&quot;", U"\"");
    replace_all(s, U"&amp;", U"&");
    replace_all(s, U"&lt;", U"<");
    replace_all(s, U"&gt;", U">");
  }
  s = U" " + s + U" ";
  s = split_dash_after_digit(split_before_non_digit(split_after_non_digit(split_symbols(s))));
  std::vector<std::string> tokens;
  for (const auto& word : split_python_whitespace(s)) tokens.push_back(u32_to_utf8(word));
  return tokens;
}

void BleuStats::add(const std::string& hypothesis, const std::string& reference) {
  const auto hyp = tokenize_13a(hypothesis);
  const auto ref = tokenize_13a(reference);
  hyp_len += static_cast<std::int64_t>(hyp.size());
  ref_len += static_cast<std::int64_t>(ref.size());
  const auto hyp_counts = count_ngrams(hyp);
  const auto ref_counts = count_ngrams(ref);
  for (int n = 0; n < 4; ++n) {
    for (const auto& [ngram, count] : hyp_counts[n]) {
      total[n] += count;
      const auto it = ref_counts[n].find(ngram);
      if (it != ref_counts[n].end()) correct[n] += std::min(count, it->second);
    }
  }
}

BleuStats& BleuStats::operator+=(const BleuStats& other) {
  for (int n = 0; n < 4; ++n) correct[n] += other.correct[n], total[n] += other.total[n];
  hyp_len += other.hyp_len;
  ref_len += other.ref_len;
  return *this;
}

BleuScore compute_bleu(const BleuStats& s) {
  BleuScore out;
  out.hyp_len = s.hyp_len;
  out.ref_len = s.ref_len;
  out.ratio = s.ref_len ? static_cast<double>(s.hyp_len) / static_cast<double>(s.ref_len) : 0.0;
  if (s.hyp_len < s.ref_len)
    out.bp = s.hyp_len > 0 ? std::exp(1.0 - static_cast<double>(s.ref_len) / static_cast<double>(s.hyp_len)) : 0.0;
  else
    out.bp = 1.0;
  bool any_correct = false;
  for (auto c : s.correct) any_correct = any_correct || c > 0;
  if (!any_correct) return out;  // score and precisions stay 0

  double smooth = 1.0;
  for (int n = 0; n < 4; ++n) {
    if (s.total[n] == 0) break;  // later precisions stay 0, so the score is 0
    if (s.correct[n] == 0) {
      smooth *= 2;
      out.precisions[n] = 100.0 / (smooth * static_cast<double>(s.total[n]));
    } else {
      out.precisions[n] = 100.0 * static_cast<double>(s.correct[n]) / static_cast<double>(s.total[n]);
    }
  }
  double log_sum = 0;
  for (double p : out.precisions) log_sum += p == 0.0 ? -9999999999.0 : std::log(p);
  out.score = out.bp * std::exp(log_sum / 4);
  return out;
}

BleuScore corpus_bleu(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  if (hyps.size() != refs.size())
    throw Error("BLEU needs as many hypotheses as references (" + std::to_string(hyps.size()) +
                " vs " + std::to_string(refs.size()) + ")");
  BleuStats stats;
  for (std::size_t i = 0; i < hyps.size(); ++i) stats.add(hyps[i], refs[i]);
  return compute_bleu(stats);
}

std::string format_bleu(const BleuScore& b) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "BLEU|%s = %.1f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld ref_len = %lld)",
                kBleuSignature, b.score, b.precisions[0], b.precisions[1], b.precisions[2],
                b.precisions[3], b.bp, b.ratio, static_cast<long long>(b.hyp_len),
                static_cast<long long>(b.ref_len));
  return buf;
}

}  // namespace nmt
