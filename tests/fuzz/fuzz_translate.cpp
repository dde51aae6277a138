// libFuzzer target: translation input. Arbitrary bytes go where nmt-translate
// and nmt-serve put a line of text: UTF-8 validation, SentencePiece
// tokenization, source batching, and greedy search (a few steps) of a tiny
// untrained GRU and Transformer. Built with UndefinedBehaviorSanitizer but
// not AddressSanitizer: SentencePiece is opened with RTLD_DEEPBIND (see
// data/sentencepiece_api.h), which ASan's dlopen refuses.
#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

#include "app/config/config.h"
#include "app/decode/model_dir.h"
#include "app/decode/translator.h"
#include "data/generated_corpus.h"
#include "data/tokenizer.h"
#include "data/tokenizers.h"
#include "data/utf8.h"

namespace {

std::unique_ptr<nmt::Translator> g_gru, g_transformer;

std::unique_ptr<nmt::Translator> tiny_translator(const std::string& type, const nmt::data::Tokenizers& tokenizers) {
  nmt::Config c;
  c.model.type = type;
  c.model.embedding_dim = 16;
  c.model.hidden_dim = 16;
  c.model.heads = 2;
  c.model.ff_dim = 32;
  c.decoding.max_length_a = 1.0;
  c.decoding.max_length_b = 3;
  torch::manual_seed(1);
  auto model = nmt::build_model_for(c, tokenizers);
  model->eval();
  return std::make_unique<nmt::Translator>(model, tokenizers, c.decoding, "cpu");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  torch::set_num_threads(1);
  const auto corpus = nmt::data::generate_corpus(1, 500, 0, 0);
  const std::string path = "/tmp/nmt-fuzz-translate-spm.model";
  nmt::data::TokenizerTrainOptions options;
  options.vocab_size = 120;
  nmt::data::train_tokenizer({&corpus.train.de, &corpus.train.en}, options, path);
  const auto tokenizers = nmt::data::load_tokenizers(path, path);
  g_gru = tiny_translator("gru", tokenizers);
  g_transformer = tiny_translator("transformer", tokenizers);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The line reader and the server refuse invalid UTF-8 before tokenization.
  if (nmt::data::find_invalid_utf8(text) != std::string::npos) return 0;
  const auto ids = g_gru->tokenizers().src->encode(text);
  for (int id : ids)
    if (id < 0 || id >= g_gru->tokenizers().src->vocab_size()) __builtin_trap();
  g_gru->tokenizers().src->pieces(ids);
  for (const auto* translator : {g_gru.get(), g_transformer.get()}) {
    const auto out = translator->translate({text, "", text});
    if (out.size() != 3 || !out[1].empty() || out[0] != out[2]) __builtin_trap();
    if (nmt::data::find_invalid_utf8(out[0]) != std::string::npos) __builtin_trap();
  }
  return 0;
}
