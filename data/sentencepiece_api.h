#pragma once
// SentencePiece behind a narrow table of functions, loaded at run time.
//
// Why: Debian's libsentencepiece bundles its own copy of protobuf-lite and
// exports it, while LibTorch links the system libprotobuf. Linked into one
// program, the two copies resolve into each other and the program crashes
// before main(). The shim library (sentencepiece_shim.cpp) is therefore
// opened with RTLD_LOCAL | RTLD_DEEPBIND, so each side keeps its own protobuf.
#include <string>
#include <unordered_map>
#include <vector>

namespace nmt::data {

struct SentencePieceApi {
  void* (*load)(const std::string& path, std::string* error);
  void (*release)(void* model);
  bool (*encode)(void* model, const std::string& text, std::vector<int>* ids, std::string* error);
  bool (*decode)(void* model, const std::vector<int>& ids, std::string* text, std::string* error);
  std::string (*id_to_piece)(void* model, int id);
  int (*piece_size)(void* model);
  void (*special_ids)(void* model, int* pad, int* unk, int* bos, int* eos);
  bool (*train)(const std::unordered_map<std::string, std::string>& args,
                const std::vector<const std::vector<std::string>*>& sentences, unsigned seed,
                std::string* model_proto, std::string* error);
  // The n best segmentations, best first (unigram models only).
  bool (*nbest_encode)(void* model, const std::string& text, int nbest, std::vector<std::vector<int>>* ids,
                       std::string* error);
  float (*score)(void* model, int id);  // a piece's log-probability in a unigram model
};

// The table, from the shim beside the executable (loaded once; throws nmt::Error).
const SentencePieceApi& sentencepiece_api();

}  // namespace nmt::data

// The shim's single exported symbol.
extern "C" const nmt::data::SentencePieceApi* nmt_sentencepiece_api();
