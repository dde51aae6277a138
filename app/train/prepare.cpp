#include "app/train/prepare.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "app/runtime/terminal_progress.h"
#include "common/error.h"
#include "data/binary_dataset.h"
#include "data/checksum.h"
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

namespace {

// Trains the tokenizer model(s) that do not exist yet on the training text:
// all of it, or a uniform sample of tokenizer.max_training_sentences pairs
// (reservoir sampling while streaming, so a big corpus never sits in memory).
bool train_missing_tokenizers(const Config& c) {
  const auto paths = tokenizer_paths(c);
  bool any_missing = false;
  for (const auto& p : paths) any_missing = any_missing || !data::file_exists(p);
  if (!any_missing) {
    for (const auto& p : paths) spdlog::info("reusing tokenizer {}", p);
    return false;
  }
  const auto& d = c.data;
  // Debian's SentencePiece crashes once it has loaded a million sentences (a
  // progress line through an iostream it cannot reach from its own symbol
  // scope, see sentencepiece_api.h), so it never gets that many.
  const std::size_t cap = paths.size() == 1 ? 499999 : 999999;  // a joint model reads both sides
  const auto wanted = static_cast<std::size_t>(c.tokenizer.max_training_sentences);
  const std::size_t limit = wanted > 0 && wanted < cap ? wanted : cap;
  if (wanted == 0 || wanted > cap)
    spdlog::info("tokenizer training reads at most {} pairs (SentencePiece's limit in this build)", cap);
  std::vector<std::string> src_text, tgt_text;
  std::mt19937_64 rng(static_cast<std::uint64_t>(c.training.seed));
  std::int64_t seen = 0;
  data::for_each_pair(side(d.train, d.src_lang), side(d.train, d.tgt_lang),
                      [&](std::int64_t, const data::SentencePair& p) {
                        ++seen;
                        if (src_text.size() < limit) {
                          src_text.push_back(p.src), tgt_text.push_back(p.tgt);
                        } else if (const auto j = rng() % static_cast<std::uint64_t>(seen); j < limit) {
                          src_text[j] = p.src, tgt_text[j] = p.tgt;
                        }
                      });
  if (static_cast<std::size_t>(seen) > src_text.size())
    spdlog::info("tokenizer training on a sample of {} of {} pairs (tokenizer.max_training_sentences)",
                 src_text.size(), seen);
  const data::TokenizerTrainOptions opts{c.tokenizer.type, c.tokenizer.vocab_size, c.tokenizer.character_coverage,
                                         c.tokenizer.input_sentence_size, c.training.seed};
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
    spdlog::info("trained tokenizer {} ({} {}, vocabulary {}) in {:.1f} s", paths[i], c.tokenizer.type,
                 paths.size() == 1 ? "joint" : "per language", c.tokenizer.vocab_size, secs);
  }
  return true;
}

// Everything the dataset's ids are made from: a different text, tokenizer or
// filter makes another checksum, and the dataset is rebuilt.
data::DatasetInfo dataset_info(const Config& c, const data::Tokenizers& tok) {
  data::Checksum sum;
  sum.add("nmt dataset of " + c.data.src_lang + "-" + c.data.tgt_lang);
  sum.add_file(side(c.data.train, c.data.src_lang));
  sum.add_file(side(c.data.train, c.data.tgt_lang));
  for (const auto& p : tokenizer_paths(c)) sum.add_file(p);
  sum.add("max_length " + std::to_string(c.data.max_length) + " ratio " + std::to_string(c.data.max_length_ratio));
  data::DatasetInfo info;
  info.src_vocab = static_cast<std::uint32_t>(tok.src->vocab_size());
  info.tgt_vocab = static_cast<std::uint32_t>(tok.tgt->vocab_size());
  info.source_checksum = sum.value();
  return info;
}

// Tokenizes and filters the training text into the binary dataset, streaming.
void build_dataset(const Config& c, const data::Tokenizers& tok, const data::DatasetInfo& info,
                   const std::string& path) {
  const auto start = std::chrono::steady_clock::now();
  const data::FilterLimits limits{c.data.max_length, c.data.max_length_ratio};
  data::FilterStats stats;
  data::BinaryDatasetWriter writer(path, info);
  const auto source = side(c.data.train, c.data.src_lang);
  const auto total = data::count_lines(source);  // for done/total and an ETA
  TerminalProgress progress("tokenized", "pairs", static_cast<std::size_t>(total));
  data::for_each_pair(source, side(c.data.train, c.data.tgt_lang), [&](std::int64_t line, const data::SentencePair& p) {
    const auto src = tok.src->encode(p.src), tgt = tok.tgt->encode(p.tgt);
    if (data::accept_pair(src, tgt, limits, data::kUnkId, stats)) writer.add(src, tgt, line);
    progress.update(static_cast<std::size_t>(stats.read));
    if (stats.read % 1000000 == 0) {  // for logs, where the terminal line is not drawn
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = static_cast<double>(stats.read) / seconds;
      spdlog::info("tokenized {} of {} pairs ({:.0f}%), {:.0f} pairs/s, eta {:.0f} s", stats.read, total,
                   100.0 * static_cast<double>(stats.read) / static_cast<double>(total), rate,
                   static_cast<double>(total - stats.read) / rate);
    }
  });
  writer.finish(stats);
  spdlog::info("wrote {} ({} pairs kept of {}) in {:.1f} s", path, stats.kept, stats.read,
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace

std::string dataset_path(const Config& c) {
  return c.tokenizer.prefix + "." + std::filesystem::path(c.data.train).filename().string() + "." +
         c.data.src_lang + "-" + c.data.tgt_lang + ".bin";
}

// A missing corpus file is named with the rule that names it, before any
// work: users put `train.fr` where the config says `train`.
void require_corpus_files(const Config& c) {
  const auto& d = c.data;
  const std::pair<const char*, const std::string*> corpora[] = {{"data.train", &d.train}, {"data.valid", &d.valid}};
  for (const auto& [key, prefix] : corpora)
    for (const auto* lang : {&d.src_lang, &d.tgt_lang})
      if (!data::file_exists(side(*prefix, *lang)))
        throw Error(side(*prefix, *lang) + ": no such file. " + key + " is a prefix: nmt reads " +
                    side(*prefix, d.src_lang) + " and " + side(*prefix, d.tgt_lang) +
                    " (PREFIX.LANG with data.src_lang '" + d.src_lang + "' and data.tgt_lang '" + d.tgt_lang +
                    "'), one sentence per line, line i of one translating line i of the other");
}

PreparedData prepare_data(const Config& c) {
  validate_for_training(c);
  ensure_generated_corpus(c);
  require_corpus_files(c);
  const auto& d = c.data;
  PreparedData out;
  out.tokenizer_trained = train_missing_tokenizers(c);
  const auto paths = tokenizer_paths(c);
  out.tokenizers = data::load_tokenizers(paths.front(), paths.back());

  const auto info = dataset_info(c, out.tokenizers);
  out.dataset_path = dataset_path(c);
  if (data::dataset_matches(out.dataset_path, info)) {
    spdlog::info("reusing dataset {}", out.dataset_path);
  } else {
    if (data::file_exists(out.dataset_path))
      spdlog::info("{} is stale (corpus, tokenizer or filter changed) or damaged: rebuilding it", out.dataset_path);
    build_dataset(c, out.tokenizers, info, out.dataset_path);
    out.dataset_built = true;
  }
  out.train = std::make_shared<data::BinaryDataset>(out.dataset_path);
  out.train_stats = out.train->info().stats;
  if (out.train->size() == 0)
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
      "dataset           %s (%s)\n"
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
      p.tokenizer_trained ? "trained now" : "reused", p.dataset_path.c_str(), p.dataset_built ? "built now" : "reused",
      p.valid.size());
  return buf;
}

}  // namespace nmt
