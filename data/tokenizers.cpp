#include "data/tokenizers.h"

namespace nmt::data {

Tokenizers load_tokenizers(const std::string& src_model, const std::string& tgt_model) {
  Tokenizers t;
  t.src = std::make_shared<Tokenizer>(src_model);
  t.tgt = src_model == tgt_model ? t.src : std::make_shared<Tokenizer>(tgt_model);
  return t;
}

std::vector<TokenizedPair> tokenize_pairs(const Tokenizers& tok, const std::vector<SentencePair>& pairs) {
  std::vector<TokenizedPair> out(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    out[i].src = tok.src->encode(pairs[i].src);
    out[i].tgt = tok.tgt->encode(pairs[i].tgt);
    out[i].index = static_cast<std::int64_t>(i);
  }
  return out;
}

}  // namespace nmt::data
