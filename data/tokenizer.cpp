#include "data/tokenizer.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/error.h"
#include "data/sentencepiece_api.h"
#include "data/text_file.h"

namespace nmt::data {

Tokenizer::Tokenizer(const std::string& model_path) : model_(nullptr), path_(model_path) {
  if (!file_exists(model_path)) throw Error(model_path + ": tokenizer model not found");
  const auto& api = sentencepiece_api();
  std::string error;
  model_ = api.load(model_path, &error);
  if (!model_) throw Error(model_path + ": not a SentencePiece model (" + error + ")");
  int pad = 0, unk = 0, bos = 0, eos = 0;
  api.special_ids(model_, &pad, &unk, &bos, &eos);
  if (pad != kPadId || unk != kUnkId || bos != kBosId || eos != kEosId) {
    api.release(model_);
    throw Error(model_path + ": special ids must be pad=0 unk=1 bos=2 eos=3 (got pad=" +
                std::to_string(pad) + " unk=" + std::to_string(unk) + " bos=" +
                std::to_string(bos) + " eos=" + std::to_string(eos) + ")");
  }
}

Tokenizer::~Tokenizer() { sentencepiece_api().release(model_); }

std::vector<int> Tokenizer::encode(const std::string& text) const {
  std::vector<int> ids;
  std::string error;
  if (!sentencepiece_api().encode(model_, text, &ids, &error))
    throw Error(path_ + ": cannot encode text: " + error);
  return ids;
}

std::vector<int> Tokenizer::sample_encode(const std::string& text, int nbest, double alpha,
                                         std::mt19937_64& rng) const {
  const auto& api = sentencepiece_api();
  std::vector<std::vector<int>> candidates;
  std::string error;
  if (!api.nbest_encode(model_, text, nbest, &candidates, &error))
    throw Error(path_ + ": cannot sample a segmentation (subword sampling needs a unigram model): " + error);
  if (candidates.size() <= 1) return candidates.empty() ? std::vector<int>{} : candidates.front();
  // Weights exp(alpha * log P), shifted by the best so they do not underflow.
  std::vector<double> log_weights;
  for (const auto& c : candidates) {
    double log_p = 0;
    for (int id : c) log_p += api.score(model_, id);
    log_weights.push_back(alpha * log_p);
  }
  const double best = *std::max_element(log_weights.begin(), log_weights.end());
  std::vector<double> weights;
  for (double w : log_weights) weights.push_back(std::exp(w - best));
  std::discrete_distribution<std::size_t> pick(weights.begin(), weights.end());
  return candidates[pick(rng)];
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  std::vector<int> kept;
  kept.reserve(ids.size());
  for (int id : ids)
    if (id != kPadId && id != kBosId && id != kEosId) kept.push_back(id);
  std::string text, error;
  if (!sentencepiece_api().decode(model_, kept, &text, &error))
    throw Error(path_ + ": cannot decode ids: " + error);
  return text;
}

std::vector<std::string> Tokenizer::pieces(const std::vector<int>& ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (int id : ids) out.push_back(piece(id));
  return out;
}

std::string Tokenizer::piece(int id) const { return sentencepiece_api().id_to_piece(model_, id); }

float Tokenizer::score(int id) const { return sentencepiece_api().score(model_, id); }

int Tokenizer::vocab_size() const { return sentencepiece_api().piece_size(model_); }

void train_tokenizer(const std::vector<const std::vector<std::string>*>& sentences,
                     const TokenizerTrainOptions& options, const std::string& model_path) {
  std::unordered_map<std::string, std::string> args = {
      {"model_type", options.type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", std::to_string(options.character_coverage)},
      {"pad_id", std::to_string(kPadId)},
      {"unk_id", std::to_string(kUnkId)},
      {"bos_id", std::to_string(kBosId)},
      {"eos_id", std::to_string(kEosId)},
      {"max_sentence_length", "8192"},
      {"num_threads", "2"},
      {"minloglevel", "1"},
  };
  if (options.input_sentence_size > 0) {
    args["input_sentence_size"] = std::to_string(options.input_sentence_size);
    args["shuffle_input_sentence"] = "true";
  }
  std::string proto, error;
  if (!sentencepiece_api().train(args, sentences, static_cast<unsigned>(options.seed), &proto, &error))
    throw Error("training tokenizer " + model_path + " failed: " + error);
  write_file_atomically(model_path, proto);
}

}  // namespace nmt::data
