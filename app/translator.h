#pragma once
// Text in, text out: tokenizes, batches by length, searches, detokenizes and
// restores the input order. Empty input lines give empty output lines.
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
  std::vector<std::vector<float>> weights; // [target][source]
};

class Translator {
 public:
  Translator(models::Seq2Seq model, Tokenizers tokenizers, DecodingConfig decoding, std::string device);

  std::vector<std::string> translate(const std::vector<std::string>& sources) const;
  std::string translate_with_attention(const std::string& source, AttentionMap& attention) const;

 private:
  models::Seq2Seq model_;
  Tokenizers tokenizers_;
  DecodingConfig decoding_;
  std::string device_;
};

}  // namespace nmt
