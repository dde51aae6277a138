// Built as its own shared library: the only code that includes SentencePiece.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include "data/sentencepiece_api.h"

namespace {

using sentencepiece::SentencePieceProcessor;

// Feeds in-memory sentences (already read and validated) to the trainer.
class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<const std::vector<std::string>*>& parts) : parts_(parts) {
    skip_exhausted();
  }
  bool done() const override { return part_ >= parts_.size(); }
  void Next() override {
    ++line_;
    skip_exhausted();
  }
  const std::string& value() const override { return (*parts_[part_])[line_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_exhausted() {
    while (part_ < parts_.size() && line_ >= parts_[part_]->size()) ++part_, line_ = 0;
  }
  const std::vector<const std::vector<std::string>*>& parts_;
  std::size_t part_ = 0;
  std::size_t line_ = 0;
};

SentencePieceProcessor& sp(void* model) { return *static_cast<SentencePieceProcessor*>(model); }

void* load(const std::string& path, std::string* error) {
  auto* model = new SentencePieceProcessor();
  const auto status = model->Load(path);
  if (status.ok()) return model;
  *error = status.ToString();
  delete model;
  return nullptr;
}

void release(void* model) { delete static_cast<SentencePieceProcessor*>(model); }

bool encode(void* model, const std::string& text, std::vector<int>* ids, std::string* error) {
  const auto status = sp(model).Encode(text, ids);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}

bool decode(void* model, const std::vector<int>& ids, std::string* text, std::string* error) {
  const auto status = sp(model).Decode(ids, text);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}

std::string id_to_piece(void* model, int id) { return sp(model).IdToPiece(id); }

int piece_size(void* model) { return sp(model).GetPieceSize(); }

void special_ids(void* model, int* pad, int* unk, int* bos, int* eos) {
  *pad = sp(model).pad_id(), *unk = sp(model).unk_id(), *bos = sp(model).bos_id(),
  *eos = sp(model).eos_id();
}

bool train(const std::unordered_map<std::string, std::string>& args,
           const std::vector<const std::vector<std::string>*>& sentences, unsigned seed,
           std::string* model_proto, std::string* error) {
  sentencepiece::SetRandomGeneratorSeed(seed);
  VectorIterator it(sentences);
  const auto status = sentencepiece::SentencePieceTrainer::Train(args, &it, model_proto);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}

bool nbest_encode(void* model, const std::string& text, int nbest, std::vector<std::vector<int>>* ids,
                  std::string* error) {
  const auto status = sp(model).NBestEncode(text, nbest, ids);
  if (!status.ok()) *error = status.ToString();
  return status.ok();
}

float score(void* model, int id) { return sp(model).GetScore(id); }

const nmt::data::SentencePieceApi kApi = {load,        release,    encode,      decode, id_to_piece,
                                          piece_size, special_ids, train,       nbest_encode, score};

}  // namespace

extern "C" __attribute__((visibility("default"))) const nmt::data::SentencePieceApi*
nmt_sentencepiece_api() {
  return &kApi;
}
