#include "app/translator.h"

#include <torch/torch.h>

#include "data/batching.h"

namespace nmt {

Translator::Translator(models::Seq2Seq model, Tokenizers tokenizers, DecodingConfig decoding,
                       std::string device)
    : model_(std::move(model)), tokenizers_(std::move(tokenizers)), decoding_(decoding),
      device_(std::move(device)) {}

std::vector<std::string> Translator::translate(const std::vector<std::string>& sources) const {
  std::vector<data::TokenizedPair> pairs;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    auto ids = tokenizers_.src->encode(sources[i]);
    if (!ids.empty()) pairs.push_back({std::move(ids), {}, static_cast<int64_t>(i)});
  }
  std::vector<std::string> out(sources.size());
  const bool was_training = model_->is_training();
  model_->eval();
  const data::BatchLimits limits{1 << 30, decoding_.batch_size};
  const SearchLimits search{decoding_.max_length_a, decoding_.max_length_b};
  const torch::Device device(device_);
  for (const auto& members : data::plan_batches(pairs, limits, 0, /*shuffle=*/false)) {
    const auto batch = data::make_batch(pairs, members).to(device);
    const auto hyps = greedy_search(*model_, batch.src, batch.src_lengths, search);
    for (std::size_t r = 0; r < hyps.size(); ++r) {
      std::vector<int> ids(hyps[r].tokens.begin(), hyps[r].tokens.end());
      out[batch.indices[r]] = tokenizers_.tgt->decode(ids);
    }
  }
  model_->train(was_training);
  return out;
}

std::string Translator::translate_with_attention(const std::string& source, AttentionMap& map) const {
  auto ids = tokenizers_.src->encode(source);
  map = {};
  if (ids.empty()) return "";
  const bool was_training = model_->is_training();
  model_->eval();
  std::vector<data::TokenizedPair> pairs = {{ids, {}, 0}};
  const auto batch = data::make_batch(pairs, {0}).to(torch::Device(device_));
  const auto hyp = greedy_search(*model_, batch.src, batch.src_lengths,
                                 {decoding_.max_length_a, decoding_.max_length_b}, true)
                       .front();
  model_->train(was_training);
  std::vector<int> out(hyp.tokens.begin(), hyp.tokens.end());
  map.source_pieces = tokenizers_.src->pieces(ids);
  map.source_pieces.push_back("</s>");
  map.target_pieces = tokenizers_.tgt->pieces(out);
  map.target_pieces.push_back("</s>");
  const auto weights = hyp.attention.to(torch::kFloat32).contiguous();
  for (int64_t t = 0; t < weights.size(0); ++t) {
    const auto row = weights[t];
    map.weights.emplace_back(row.data_ptr<float>(), row.data_ptr<float>() + row.size(0));
  }
  return tokenizers_.tgt->decode(out);
}

}  // namespace nmt
