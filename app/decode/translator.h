#pragma once
// Text in, text out: tokenizes, batches by length, searches (greedy for beam
// size 1, else beam search), detokenizes and restores the input order. Empty
// input lines give empty output lines.
#include <torch/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "app/decode/attention_map.h"
#include "app/decode/search.h"
#include "data/tokenizers.h"
#include "models/seq2seq.h"

namespace nmt::models {
class WeightCache;
}

namespace nmt {

struct ScoredTranslation {
  std::string text;
  double score = 0;     // log_prob with the length penalty applied (see Hypothesis)
  double log_prob = 0;  // sum of token log-probabilities, EOS included
};

// Called after each batch with the number of sources translated so far (progress).
using SourcesDone = std::function<void(std::size_t)>;

class Translator {
 public:
  Translator(models::Seq2Seq model, data::Tokenizers tokenizers, DecodingConfig decoding, std::string device);

  // `beam` > 0 replaces decoding.beam_size for this call (a server's request may ask for its own).
  std::vector<std::string> translate(const std::vector<std::string>& sources, const SourcesDone& done = {}) const;
  // The n best translations of each source, best first (n <= beam size).
  std::vector<std::vector<ScoredTranslation>> translate_n_best(const std::vector<std::string>& sources, int n,
                                                               int beam = 0, const SourcesDone& done = {}) const;
  // With `self_attention`, a Transformer's map also gets its encoder and decoder
  // self-attention (one more teacher-forced pass; not for ensembles).
  std::string translate_with_attention(const std::string& source, AttentionMap& attention, int beam = 0,
                                       bool self_attention = false) const;

  const DecodingConfig& decoding() const { return decoding_; }
  std::int64_t parameter_count() const;
  const data::Tokenizers& tokenizers() const { return tokenizers_; }

 private:
  // Search for one batch of token sequences: n hypotheses each, best first.
  std::vector<std::vector<Hypothesis>> search(const torch::Tensor& src, const torch::Tensor& src_lengths, int beam,
                                              int n_best, bool keep_attention) const;

  models::Seq2Seq model_;
  // The weights in the decoding precision, converted once for the model's lifetime.
  std::shared_ptr<models::WeightCache> weights_;
  data::Tokenizers tokenizers_;
  DecodingConfig decoding_;
  std::string device_;
};

// What the command line may change when a model directory is opened for translation.
struct TranslateOptions {
  std::string device = "auto";
  int threads = 0;                     // LibTorch intra-op threads; 0 = auto
  int beam = 0;                        // > 0 replaces decoding.beam_size
  std::vector<std::string> overrides;  // "decoding.key=value"; any other section is an error
};

// Opens a trained model directory for translation (nmt-translate,
// nmt-evaluate, nmt-serve): threads, device, decoding overrides, and one line
// on stderr saying how it will search. `resolved`, when given, receives the
// directory's config with the overrides applied.
Translator open_translator(const std::string& model_dir, const TranslateOptions& options, Config* resolved = nullptr);

// Several model directories decode as one ensemble (models/ensemble.h), with
// the first one's decoding settings; one directory is the model itself. The
// members must share their SentencePiece model(s), else an error names both
// files.
Translator open_translator(const std::vector<std::string>& model_dirs, const TranslateOptions& options,
                           Config* resolved = nullptr);

}  // namespace nmt
