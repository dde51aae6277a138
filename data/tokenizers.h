#pragma once
// The source and target tokenizers of a model, loaded together, and what
// tokenizing a parallel corpus with them gives.
#include <memory>
#include <string>
#include <vector>

#include "data/parallel_corpus.h"
#include "data/tokenizer.h"

namespace nmt::data {

struct Tokenizers {
  std::shared_ptr<Tokenizer> src;
  std::shared_ptr<Tokenizer> tgt;  // the same object as src when joint
  bool joint() const { return src == tgt; }
};

// Loads the tokenizer(s) from model files (one shared object when both paths are equal).
Tokenizers load_tokenizers(const std::string& src_model, const std::string& tgt_model);

// Tokenizes aligned raw text; pair i gets index i.
std::vector<TokenizedPair> tokenize_pairs(const Tokenizers& tokenizers, const std::vector<SentencePair>& pairs);

}  // namespace nmt::data
