#pragma once
// From raw parallel text to tokenized, filtered pairs: generates the default
// corpus when asked, trains or reuses the SentencePiece model(s), and
// tokenizes and filters the training data into a binary dataset (or reuses it
// while corpus, tokenizer and filter are unchanged). Streams: the training
// text is never held in memory.
#include <memory>
#include <string>
#include <vector>

#include "app/config/config.h"
#include "data/binary_dataset.h"
#include "data/parallel_corpus.h"
#include "data/tokenizers.h"

namespace nmt {

// Model file(s) of the config's tokenizer: one when joint, else source and target.
std::vector<std::string> tokenizer_paths(const Config& config);

// The binary training dataset of a config: beside the tokenizer model(s),
// which nmt writes already (the corpus folder may be read-only or shared):
// {tokenizer.prefix}.{train file name}.{src}-{tgt}.bin, e.g.
// corpora/multi30k/spm_joint8k.train.de-en.bin.
std::string dataset_path(const Config& config);

struct PreparedData {
  data::Tokenizers tokenizers;
  std::shared_ptr<data::BinaryDataset> train;  // memory-mapped
  std::string dataset_path;
  std::vector<data::TokenizedPair> valid;
  std::vector<std::string> valid_src;  // raw text, for BLEU on the validation set
  std::vector<std::string> valid_ref;
  data::FilterStats train_stats;
  bool tokenizer_trained = false;
  bool dataset_built = false;
};

// Writes the generated corpus at the config's prefixes when data.generate is set
// and any of its files is missing.
void ensure_generated_corpus(const Config& config);

PreparedData prepare_data(const Config& config);

// Human-readable statistics of a prepared corpus.
std::string describe(const PreparedData& prepared, const Config& config);

}  // namespace nmt
