#pragma once
// Text in, text out: tokenizes, batches by length, searches (greedy for beam
// size 1, else beam search), detokenizes and restores the input order. Empty
// input lines give empty output lines.
#include <string>
#include <vector>

#include "app/config.h"
#include "app/prepare.h"
#include "app/search.h"
#include "models/seq2seq.h"

namespace nmt {

struct AttentionMap {
  std::vector<std::string> source_pieces;  // with the final </s>
  std::vector<std::string> target_pieces;  // with the final </s>
  std::vector<std::vector<float>> weights; // [target][source]: what the model reports (Transformer:
                                           // last layer, averaged over heads)
  // [layer][head][target][source], for models with several layers and heads.
  std::vector<std::vector<std::vector<std::vector<float>>>> layer_head_weights;
};

struct ScoredTranslation {
  std::string text;
  double score = 0;     // log_prob with the length penalty applied (see Hypothesis)
  double log_prob = 0;  // sum of token log-probabilities, EOS included
};

// Command-line decoding choices on top of a model's config: `--set
// decoding.key=value` overrides (any other section is an error) and, when
// beam > 0, the beam size.
void apply_decoding_options(Config& config, const std::vector<std::string>& overrides, int beam);

// One line on stderr saying how translations will be searched.
void log_decoding(const DecodingConfig& decoding);

class Translator {
 public:
  Translator(models::Seq2Seq model, Tokenizers tokenizers, DecodingConfig decoding, std::string device);

  std::vector<std::string> translate(const std::vector<std::string>& sources) const;
  // The n best translations of each source, best first (n <= beam size).
  std::vector<std::vector<ScoredTranslation>> translate_n_best(const std::vector<std::string>& sources,
                                                               int n) const;
  std::string translate_with_attention(const std::string& source, AttentionMap& attention) const;

 private:
  // Search for one batch of token sequences: n hypotheses each, best first.
  std::vector<std::vector<Hypothesis>> search(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                              int n_best, bool keep_attention) const;

  models::Seq2Seq model_;
  Tokenizers tokenizers_;
  DecodingConfig decoding_;
  std::string device_;
};

}  // namespace nmt
