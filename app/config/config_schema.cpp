#include "app/config/config_schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

namespace nmt {
namespace {

std::string format_number(double v) {
  std::ostringstream out;
  out.precision(10);
  out << v;
  return out.str();
}

bool parse_long(const std::string& text, long long& out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtoll(text.c_str(), &end, 10);
  return errno == 0 && *end == '\0';
}

bool parse_double(const std::string& text, double& out) {
  if (text.empty()) return false;
  errno = 0;
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return errno == 0 && *end == '\0' && std::isfinite(out);
}

ConfigField int_field(std::string key, std::string doc, int& ref, long long lo, long long hi) {
  std::string expected = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  return {std::move(key), std::move(doc), expected,
          [&ref, lo, hi](const std::string& text) {
            long long v = 0;
            if (!parse_long(text, v) || v < lo || v > hi) return false;
            ref = static_cast<int>(v);
            return true;
          },
          [&ref] { return std::to_string(ref); }};
}

// `open_low` excludes the lower bound (e.g. a learning rate must be > 0).
ConfigField real_field(std::string key, std::string doc, double& ref, double lo, double hi, bool open_low = false) {
  std::string expected = std::string("a number in ") + (open_low ? "(" : "[") + format_number(lo) +
                         ", " + format_number(hi) + "]";
  return {std::move(key), std::move(doc), expected,
          [&ref, lo, hi, open_low](const std::string& text) {
            double v = 0;
            if (!parse_double(text, v) || v > hi || v < lo || (open_low && v == lo)) return false;
            ref = v;
            return true;
          },
          [&ref] { return format_number(ref); }};
}

ConfigField bool_field(std::string key, std::string doc, bool& ref) {
  return {std::move(key), std::move(doc), "true or false",
          [&ref](const std::string& text) {
            if (text == "true" || text == "yes") return ref = true, true;
            if (text == "false" || text == "no") return ref = false, true;
            return false;
          },
          [&ref] { return std::string(ref ? "true" : "false"); }};
}

ConfigField string_field(std::string key, std::string doc, std::string& ref) {
  ConfigField f{std::move(key), std::move(doc), "a string",
                [&ref](const std::string& text) { return ref = text, true; },
                [&ref] { return ref; }};
  f.quoted = true;
  return f;
}

ConfigField choice_field(std::string key, std::string doc, std::string& ref, std::vector<std::string> choices) {
  std::string expected = "one of";
  for (const auto& c : choices) expected += " '" + c + "'";
  return {std::move(key), std::move(doc), expected,
          [&ref, choices](const std::string& text) {
            if (std::find(choices.begin(), choices.end(), text) == choices.end()) return false;
            ref = text;
            return true;
          },
          [&ref] { return ref; }};
}

// auto | cpu | cuda | cuda:N
ConfigField device_field(std::string key, std::string doc, std::string& ref) {
  return {std::move(key), std::move(doc), "'auto', 'cpu', 'cuda' or 'cuda:N'",
          [&ref](const std::string& text) {
            bool ok = text == "auto" || text == "cpu" || text == "cuda";
            if (!ok && text.rfind("cuda:", 0) == 0 && text.size() > 5)
              ok = text.find_first_not_of("0123456789", 5) == std::string::npos && text.size() < 9;
            if (ok) ref = text;
            return ok;
          },
          [&ref] { return ref; }};
}

}  // namespace

std::vector<ConfigField> config_fields(Config& c) {
  constexpr long long kBig = std::numeric_limits<int>::max();
  auto& d = c.data;
  auto& k = c.tokenizer;
  auto& m = c.model;
  auto& t = c.training;
  auto& g = c.decoding;
  return {
      string_field("data.src_lang",
                   "source language code; the corpus files end in it (`{train}.{src_lang}`)", d.src_lang),
      string_field("data.tgt_lang",
                   "target language code (`{train}.{tgt_lang}`)", d.tgt_lang),
      string_field("data.train",
                   "training corpus prefix: reads `{train}.{src_lang}` and `{train}.{tgt_lang}`, line i translating line i", d.train),
      string_field("data.valid",
                   "validation corpus prefix (perplexity and greedy BLEU while training; chooses `best.pt`)", d.valid),
      string_field("data.test",
                   "test corpus prefix (optional; for `nmt-evaluate` and the benchmarks)", d.test),
      int_field("data.max_length",
                   "longest training pair kept, in SentencePiece tokens per side", d.max_length, 1, 100000),
      real_field("data.max_length_ratio",
                   "training pairs whose token counts differ by more than this factor are dropped", d.max_length_ratio, 1, 1000),
      bool_field("data.generate",
                   "generate the built-in corpus at these prefixes when its files are missing", d.generate),
      int_field("data.generate_seed",
                   "seed of the generated corpus", d.generate_seed, 0, kBig),
      int_field("data.generate_train",
                   "generated training pairs", d.generate_train, 1, 100000000),
      int_field("data.generate_valid",
                   "generated validation pairs", d.generate_valid, 1, 1000000),
      int_field("data.generate_test",
                   "generated test pairs", d.generate_test, 1, 1000000),

      string_field("tokenizer.prefix",
                   "SentencePiece model path without `.model`: `{prefix}.model` (joint) or `{prefix}.{lang}.model`; trained on first use, reused after", k.prefix),
      bool_field("tokenizer.joint",
                   "one SentencePiece model for both languages (needed to share the source embedding with the target's)", k.joint),
      choice_field("tokenizer.type",
                   "SentencePiece algorithm", k.type, {"unigram", "bpe"}),
      int_field("tokenizer.vocab_size",
                   "pieces per SentencePiece model", k.vocab_size, 16, 1000000),
      real_field("tokenizer.character_coverage",
                   "share of characters SentencePiece must cover (1.0 for alphabetic scripts)", k.character_coverage, 0.9, 1),
      int_field("tokenizer.input_sentence_size",
                   "SentencePiece's own sample of the sentences it is given; 0 = all", k.input_sentence_size, 0, kBig),
      int_field("tokenizer.max_training_sentences",
                   "pairs read to train the tokenizer (a uniform sample of a larger corpus); 0 = as many as SentencePiece takes", k.max_training_sentences, 0, kBig),
      int_field("tokenizer.sampling_nbest",
                   "subword regularization: each training pair is segmented anew whenever it is batched, drawn from this many best segmentations; -1 = from all of them; 0 = off (unigram only)", k.sampling_nbest, -1, 1000),
      real_field("tokenizer.sampling_alpha",
                   "subword regularization: segmentations drawn with probability proportional to P^alpha (smaller: more varied)", k.sampling_alpha, 0, 100),
      choice_field("tokenizer.sampling_sides",
                   "subword regularization: the sides of each pair that are sampled; the others keep their best segmentation", k.sampling_sides, {"both", "source", "target"}),

      choice_field("model.type",
                   "model family: GRU encoder with Bahdanau attention decoder, or Transformer", m.type, {"gru", "transformer"}),
      int_field("model.embedding_dim",
                   "embedding size (the Transformer's d_model)", m.embedding_dim, 1, 65536),
      int_field("model.hidden_dim",
                   "GRU hidden size (per direction in the encoder)", m.hidden_dim, 1, 65536),
      int_field("model.encoder_layers",
                   "encoder layers", m.encoder_layers, 1, 64),
      int_field("model.decoder_layers",
                   "decoder layers", m.decoder_layers, 1, 64),
      bool_field("model.bidirectional",
                   "GRU: bidirectional encoder", m.bidirectional),
      real_field("model.dropout",
                   "dropout on embeddings, residuals, attention weights (Transformer) and GRU outputs", m.dropout, 0, 0.95),
      bool_field("model.tie_embeddings",
                   "the output layer shares the target embedding (and, with a joint tokenizer, the source's)", m.tie_embeddings),
      int_field("model.heads",
                   "Transformer: attention heads (must divide `embedding_dim`)", m.heads, 1, 256),
      int_field("model.ff_dim",
                   "Transformer: feed-forward inner size", m.ff_dim, 1, 1 << 20),
      bool_field("model.pre_norm",
                   "Transformer: layer norm before each sublayer (deep stacks) instead of after (the paper)", m.pre_norm),

      string_field("training.model_dir",
                   "where the run writes `config.yaml`, the tokenizer, `best.pt`, `checkpoint.pt`, `train.log`, `metrics.jsonl` (`--model-dir` overrides it)", t.model_dir),
      int_field("training.seed",
                   "seed of weights, batch order, dropout and subword sampling", t.seed, 0, kBig),
      real_field("training.learning_rate",
                   "peak learning rate (Adam)", t.learning_rate, 0, 10, true),
      choice_field("training.scheduler",
                   "`constant`; `noam`: linear warm-up, then 1/sqrt(step); `plateau`: multiply by `decay_factor` when validation stops improving; `linear`: warm-up, then straight down to `min_learning_rate` when `max_steps` or `time_budget_minutes` runs out", t.scheduler, {"constant", "noam", "plateau", "linear"}),
      int_field("training.warmup_steps",
                   "steps of linear warm-up to `learning_rate`", t.warmup_steps, 0, kBig),
      real_field("training.decay_factor",
                   "plateau: learning-rate multiplier on a plateau", t.decay_factor, 0, 1, true),
      int_field("training.decay_patience",
                   "plateau: validations without improvement before decaying", t.decay_patience, 0, kBig),
      real_field("training.min_learning_rate",
                   "plateau and linear: the learning rate never falls below this", t.min_learning_rate, 0, 10),
      real_field("training.adam_beta1",
                   "Adam's beta1", t.adam_beta1, 0, 0.999999),
      real_field("training.adam_beta2",
                   "Adam's beta2", t.adam_beta2, 0, 0.999999),
      real_field("training.weight_decay",
                   "Adam's L2 weight decay", t.weight_decay, 0, 1),
      real_field("training.clip_norm",
                   "gradient norm clipping; 0 = none", t.clip_norm, 0, 1e6),
      real_field("training.label_smoothing",
                   "label smoothing of the cross-entropy", t.label_smoothing, 0, 0.99),
      int_field("training.batch_tokens",
                   "target tokens per batch (batches group sentences of similar length)", t.batch_tokens, 1, kBig),
      int_field("training.batch_sentences",
                   "sentences per batch at most; 0 = no limit", t.batch_sentences, 0, kBig),
      int_field("training.max_epochs",
                   "stop after this many epochs; 0 = no limit", t.max_epochs, 0, kBig),
      int_field("training.max_steps",
                   "stop after this many updates; 0 = no limit", t.max_steps, 0, kBig),
      real_field("training.time_budget_minutes",
                   "stop after this much wall-clock time, final validation included; 0 = no limit (`--time-budget` overrides it)", t.time_budget_minutes, 0, 1e7),
      int_field("training.log_every",
                   "steps between progress lines (loss, tokens/s, ETA)", t.log_every, 1, kBig),
      int_field("training.validate_every",
                   "steps between validations (and checkpoints)", t.validate_every, 1, kBig),
      int_field("training.save_every",
                   "steps between extra checkpoints besides those at validation; 0 = only there", t.save_every, 0, kBig),
      choice_field("training.best_metric",
                   "what `best.pt` is chosen by: the highest validation BLEU or the lowest perplexity", t.best_metric, {"bleu", "ppl"}),
      int_field("training.early_stopping_patience",
                   "stop after this many validations without improvement; 0 = off", t.early_stopping_patience, 0, kBig),
      int_field("training.threads",
                   "LibTorch threads; 0 = automatic (one per core, shared out among local ranks)", t.threads, 0, 1024),
      device_field("training.device",
                   "`auto` (CUDA when present), `cpu`, `cuda` or `cuda:N`", t.device),
      int_field("training.accumulate_gradients",
                   "batches whose gradients are added before one update (a K times larger batch)", t.accumulate_gradients, 1, 4096),
      real_field("training.gradient_buckets_mb",
                   "data-parallel ranks all-reduce gradients in buckets of about this many MB while the backward pass runs (PyTorch DDP uses 25); 0 = one all-reduce after the backward pass", t.gradient_buckets_mb, 0, 100000),
      real_field("training.distributed_timeout_minutes",
                   "how long a rank waits for the others before it stops with an error", t.distributed_timeout_minutes, 0, 10080, true),
      choice_field("training.precision",
                   "matrix products in bf16 (fp32 master weights) or fp32; `auto`: bf16 where the CPU multiplies bf16 natively (AVX512-BF16 or AMX), else fp32", t.precision, {"auto", "fp32", "bf16"}),
      real_field("training.ema_decay",
                   "parameter averaging while training: decay of the exponential moving average used for validation, `best.pt` and kept weights; 0 = off (e.g. 0.999)", t.ema_decay, 0, 0.999999),
      int_field("training.keep_last_weights",
                   "keep the weights of the last N validations in `weights/` for `nmt-average`; 0 = none", t.keep_last_weights, 0, 1000),
      real_field("training.late_dropout",
                   "late dropout: every dropout of the model switches to this rate once `late_dropout_from` of the training budget is used; -1 = off (`model.dropout` throughout)", t.late_dropout, -1, 0.99),
      real_field("training.late_dropout_from",
                   "the share of the budget (time, or `max_steps`, whichever is further along) after which `late_dropout` applies", t.late_dropout_from, 0, 1),

      int_field("decoding.beam_size",
                   "1 = greedy search; more = beam search (`--beam` overrides it)", g.beam_size, 1, 1000),
      real_field("decoding.length_penalty",
                   "GNMT's alpha: hypotheses ranked by log P / ((5 + length) / 6)^alpha; 0 = none", g.length_penalty, 0, 10),
      real_field("decoding.max_length_a",
                   "longest output: `max_length_a` × source tokens + `max_length_b`", g.max_length_a, 0, 100),
      int_field("decoding.max_length_b",
                   "see `max_length_a`", g.max_length_b, 0, 100000),
      int_field("decoding.batch_size",
                   "sentences translated together", g.batch_size, 1, 100000),
      choice_field("decoding.precision",
                   "matrix products while decoding: fp32, bf16, or int8 (weights quantized per output channel; attention stays fp32; fastest with VNNI or AMX); `auto`: bf16 where the CPU multiplies bf16 natively, else fp32; `fastest`: int8 where the CPU has VNNI or AMX, else as auto", g.precision, {"auto", "fastest", "fp32", "bf16", "int8"}),
  };
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::numeric_limits<std::size_t>::max();
  for (const auto& cand : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(cand.size() + 1);
    for (std::size_t j = 0; j <= cand.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= cand.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (word[i - 1] != cand[j - 1])});
        diagonal = up;
      }
    }
    if (row[cand.size()] < best_distance) best_distance = row[cand.size()], best = cand;
  }
  // Only suggest when at most about a third of the word differs.
  return best_distance <= std::max<std::size_t>(2, word.size() / 3) ? best : "";
}

}  // namespace nmt
