#pragma once
// SentencePiece tokenization with the fixed special ids the models rely on.
#include <random>
#include <string>
#include <vector>

#include "data/special_ids.h"

namespace nmt::data {

struct TokenizerTrainOptions {
  std::string type = "unigram";  // unigram | bpe
  int vocab_size = 8000;
  double character_coverage = 1.0;
  int input_sentence_size = 0;  // 0 = all sentences
  int seed = 1;
};

class Tokenizer {
 public:
  // Loads a SentencePiece model and checks its special ids.
  explicit Tokenizer(const std::string& model_path);
  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  std::vector<int> encode(const std::string& text) const;
  // Subword regularization (Kudo 2018): one of the `nbest` best segmentations,
  // drawn with probability proportional to P(segmentation)^alpha, from `rng`
  // (not SentencePiece's own generator, which cannot be reseeded), so a seed
  // gives the same draws, resumed runs included. Unigram models only.
  std::vector<int> sample_encode(const std::string& text, int nbest, double alpha, std::mt19937_64& rng) const;
  // Special ids (padding, BOS, EOS) are skipped.
  std::string decode(const std::vector<int>& ids) const;
  std::vector<std::string> pieces(const std::vector<int>& ids) const;
  std::string piece(int id) const;
  // A piece's log-probability (unigram models; 0 for the others).
  float score(int id) const;
  int vocab_size() const;
  const std::string& path() const { return path_; }

 private:
  void* model_;  // owned; see sentencepiece_api.h
  std::string path_;
};

// Trains a model on `sentences` and writes it atomically to `model_path`.
void train_tokenizer(const std::vector<const std::vector<std::string>*>& sentences,
                     const TokenizerTrainOptions& options, const std::string& model_path);

}  // namespace nmt::data
