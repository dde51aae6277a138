#include "app/train/prepare.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>

#include "common/error.h"
#include "data/generated_corpus.h"
#include "data/text_file.h"

namespace nmt {
namespace {

std::string side(const std::string& prefix, const std::string& lang) { return prefix + "." + lang; }

}  // namespace

std::vector<std::string> tokenizer_paths(const Config& c) {
  const auto& prefix = c.tokenizer.prefix;
  if (c.tokenizer.joint) return {prefix + ".model"};
  return {side(prefix, c.data.src_lang) + ".model", side(prefix, c.data.tgt_lang) + ".model"};
}

void ensure_generated_corpus(const Config& c) {
  if (!c.data.generate) return;
  const auto& d = c.data;
  const std::vector<std::string> prefixes = {d.train, d.valid, d.test};
  bool complete = true;
  for (const auto& p : prefixes)
    for (const auto& lang : {std::string("de"), std::string("en")})
      complete = complete && (p.empty() || data::file_exists(side(p, lang)));
  if (complete) return;
  spdlog::info("generating the default corpus (seed {}: {} train, {} valid, {} test pairs)",
               d.generate_seed, d.generate_train, d.generate_valid, d.generate_test);
  const auto corpus =
      data::generate_corpus(d.generate_seed, d.generate_train, d.generate_valid, d.generate_test);
  const data::GeneratedSplit* splits[] = {&corpus.train, &corpus.valid, &corpus.test};
  for (int i = 0; i < 3; ++i) {
    if (prefixes[i].empty()) continue;
    data::write_lines_atomically(side(prefixes[i], "de"), splits[i]->de);
    data::write_lines_atomically(side(prefixes[i], "en"), splits[i]->en);
  }
}

PreparedData prepare_data(const Config& c) {
  validate_for_training(c);
  ensure_generated_corpus(c);
  const auto& d = c.data;
  auto train_raw = data::read_parallel(side(d.train, d.src_lang), side(d.train, d.tgt_lang));
  PreparedData out;

  // Train the tokenizer(s) that do not exist yet; reuse the others.
  const auto paths = tokenizer_paths(c);
  data::TokenizerTrainOptions opts{c.tokenizer.type, c.tokenizer.vocab_size,
                                   c.tokenizer.character_coverage, c.tokenizer.input_sentence_size,
                                   c.training.seed};
  std::vector<std::string> src_text, tgt_text;
  for (const auto& p : train_raw) src_text.push_back(p.src), tgt_text.push_back(p.tgt);
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (data::file_exists(paths[i])) {
      spdlog::info("reusing tokenizer {}", paths[i]);
      continue;
    }
    std::vector<const std::vector<std::string>*> text;
    if (paths.size() == 1) text = {&src_text, &tgt_text};
    else text = {i == 0 ? &src_text : &tgt_text};
    const auto start = std::chrono::steady_clock::now();
    data::train_tokenizer(text, opts, paths[i]);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    spdlog::info("trained tokenizer {} ({} {}, vocabulary {}) in {:.1f} s", paths[i],
                 c.tokenizer.type, paths.size() == 1 ? "joint" : "per language",
                 c.tokenizer.vocab_size, secs);
    out.tokenizer_trained = true;
  }
  out.tokenizers = data::load_tokenizers(paths.front(), paths.back());

  data::FilterLimits limits{d.max_length, d.max_length_ratio};
  out.train = data::filter_pairs(data::tokenize_pairs(out.tokenizers, train_raw), limits, data::kUnkId,
                                 out.train_stats);
  if (out.train.empty())
    throw Error(side(d.train, d.src_lang) + ": no training pair is left after filtering (" +
                std::to_string(out.train_stats.read) + " read)");

  auto valid_raw = data::read_parallel(side(d.valid, d.src_lang), side(d.valid, d.tgt_lang));
  for (const auto& p : valid_raw) out.valid_src.push_back(p.src), out.valid_ref.push_back(p.tgt);
  // Validation perplexity needs both sides; BLEU uses every raw line.
  data::FilterStats valid_stats;
  data::FilterLimits no_limits{1 << 30, 1e30};
  out.valid = data::filter_pairs(data::tokenize_pairs(out.tokenizers, valid_raw), no_limits,
                                 data::kUnkId, valid_stats);
  return out;
}

std::string describe(const PreparedData& p, const Config& c) {
  const auto& s = p.train_stats;
  auto pct = [](std::int64_t part, std::int64_t whole) {
    return whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
  };
  char buf[2048];
  std::snprintf(
      buf, sizeof buf,
      "training corpus   %s.{%s,%s}\n"
      "pairs read        %lld\n"
      "pairs kept        %lld (%.2f%%)\n"
      "dropped empty     %lld\n"
      "dropped too long  %lld (more than %d tokens on a side)\n"
      "dropped ratio     %lld (length ratio above %g)\n"
      "tokens %-10s %lld (%.1f per sentence), unknown %.4f%%\n"
      "tokens %-10s %lld (%.1f per sentence), unknown %.4f%%\n"
      "tokenizer         %s, %s, vocabulary %d / %d (%s)\n"
      "validation pairs  %zu\n",
      c.data.train.c_str(), c.data.src_lang.c_str(), c.data.tgt_lang.c_str(),
      static_cast<long long>(s.read), static_cast<long long>(s.kept), pct(s.kept, s.read),
      static_cast<long long>(s.dropped_empty), static_cast<long long>(s.dropped_too_long),
      c.data.max_length, static_cast<long long>(s.dropped_ratio), c.data.max_length_ratio,
      (c.data.src_lang + ":").c_str(), static_cast<long long>(s.src_tokens),
      s.kept ? static_cast<double>(s.src_tokens) / s.kept : 0.0, pct(s.src_unknown, s.src_tokens),
      (c.data.tgt_lang + ":").c_str(), static_cast<long long>(s.tgt_tokens),
      s.kept ? static_cast<double>(s.tgt_tokens) / s.kept : 0.0, pct(s.tgt_unknown, s.tgt_tokens),
      c.tokenizer.type.c_str(), p.tokenizers.joint() ? "joint" : "per language",
      p.tokenizers.src->vocab_size(), p.tokenizers.tgt->vocab_size(),
      p.tokenizer_trained ? "trained now" : "reused", p.valid.size());
  return buf;
}

}  // namespace nmt
