#include "app/decode/translator.h"

#include <c10/core/InferenceMode.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>

#include "app/decode/beam_search.h"
#include "app/decode/model_dir.h"
#include "app/decode/precision_choice.h"
#include "app/runtime/runtime.h"
#include "common/error.h"
#include "data/batching.h"
#include "data/special_ids.h"
#include "models/attention_recorder.h"
#include "models/ensemble.h"
#include "models/precision.h"

namespace nmt {
namespace {

// Switches the model to inference for the scope, and back.
class EvalMode {
 public:
  explicit EvalMode(models::Seq2SeqImpl& model) : model_(model), was_training_(model.is_training()) {
    model_.eval();
  }
  ~EvalMode() { model_.train(was_training_); }

 private:
  models::Seq2SeqImpl& model_;
  bool was_training_;
};

std::vector<std::vector<float>> rows_of(const torch::Tensor& matrix) {
  const auto m = matrix.to(torch::kFloat32).contiguous();
  std::vector<std::vector<float>> rows;
  for (int64_t r = 0; r < m.size(0); ++r) rows.emplace_back(m[r].data_ptr<float>(), m[r].data_ptr<float>() + m.size(1));
  return rows;
}

// Per layer [1, heads, Q, K] -> [layer][head][query][key].
AttentionMap::LayerHeadMaps maps_of(const std::vector<torch::Tensor>& layers) {
  AttentionMap::LayerHeadMaps out;
  for (const auto& layer : layers) {
    out.emplace_back();
    for (int64_t h = 0; h < layer.size(1); ++h) out.back().push_back(rows_of(layer[0][h]));
  }
  return out;
}

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Ensemble members read the same source ids and predict over the same target
// vocabulary: their SentencePiece models must be the same files' bytes.
void require_same_tokenizers(const data::Tokenizers& a, const data::Tokenizers& b) {
  const std::pair<const data::Tokenizer*, const data::Tokenizer*> sides[] = {{a.src.get(), b.src.get()},
                                                                             {a.tgt.get(), b.tgt.get()}};
  for (const auto& [x, y] : sides)
    if (x->path() != y->path() && file_bytes(x->path()) != file_bytes(y->path()))
      throw Error("ensemble: " + x->path() + " and " + y->path() +
                  " differ: the models must share their SentencePiece model(s) (the same vocabulary)");
}

void log_decoding(const DecodingConfig& d) {
  if (d.beam_size == 1)
    spdlog::info("decoding: greedy, {}, max length {} * source + {}", d.precision, d.max_length_a,
                 d.max_length_b);
  else
    spdlog::info("decoding: beam {}, {}, length penalty alpha {}, max length {} * source + {}", d.beam_size,
                 d.precision, d.length_penalty, d.max_length_a, d.max_length_b);
}

}  // namespace

Translator::Translator(models::Seq2Seq model, data::Tokenizers tokenizers, DecodingConfig decoding,
                       std::string device)
    : model_(std::move(model)), weights_(models::make_weight_cache()), tokenizers_(std::move(tokenizers)),
      decoding_(decoding),
      device_(std::move(device)) {}

std::vector<std::vector<Hypothesis>> Translator::search(const torch::Tensor& src, const torch::Tensor& src_lengths,
                                                        int beam, int n_best, bool keep_attention) const {
  const SearchLimits limits{decoding_.max_length_a, decoding_.max_length_b};
  // Inference mode, not just no-grad: tensors skip autograd's dispatch and
  // version counters, which is much of a small decoding step's cost.
  const c10::InferenceMode inference;
  const models::PrecisionScope precision(models::parse_precision(decoding_.precision), weights_);
  if (beam <= 0) beam = decoding_.beam_size;
  if (beam == 1 && n_best == 1) {  // greedy is beam size 1, without the bookkeeping
    std::vector<std::vector<Hypothesis>> out;
    for (auto& h : greedy_search(*model_, src, src_lengths, limits, keep_attention)) out.push_back({std::move(h)});
    return out;
  }
  BeamOptions options;
  options.beam_size = beam;
  options.n_best = n_best;
  options.alpha = decoding_.length_penalty;
  options.limits = limits;
  options.keep_attention = keep_attention;
  return beam_search(*model_, src, src_lengths, options);
}

std::vector<std::vector<ScoredTranslation>> Translator::translate_n_best(const std::vector<std::string>& sources,
                                                                         int n, int beam,
                                                                         const SourcesDone& done) const {
  std::vector<std::vector<int>> ids(sources.size());
  std::vector<std::size_t> order;  // non-empty sources, shortest first: batches with little padding
  for (std::size_t i = 0; i < sources.size(); ++i) {
    ids[i] = tokenizers_.src->encode(sources[i]);
    if (!ids[i].empty()) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return ids[a].size() < ids[b].size(); });
  std::vector<std::vector<ScoredTranslation>> out(sources.size());
  EvalMode eval(*model_);
  const torch::Device device(device_);
  const auto batch_size = static_cast<std::size_t>(std::max(1, decoding_.batch_size));
  for (std::size_t first = 0; first < order.size(); first += batch_size) {
    const std::vector<std::size_t> members(order.begin() + first,
                                           order.begin() + std::min(order.size(), first + batch_size));
    std::vector<const std::vector<int>*> batch_ids;
    for (auto i : members) batch_ids.push_back(&ids[i]);
    const auto batch = data::make_source_batch(batch_ids).to(device);
    const auto hyps = search(batch.src, batch.src_lengths, beam, n, false);
    for (std::size_t r = 0; r < hyps.size(); ++r)
      for (const auto& h : hyps[r]) {
        std::vector<int> tokens(h.tokens.begin(), h.tokens.end());
        out[members[r]].push_back({tokenizers_.tgt->decode(tokens), h.score, h.log_prob});
      }
    // Empty sources are done from the start.
    if (done) done(sources.size() - order.size() + first + members.size());
  }
  // An empty source translates to one empty translation.
  for (auto& o : out)
    if (o.empty()) o.push_back({});
  return out;
}

std::vector<std::string> Translator::translate(const std::vector<std::string>& sources, const SourcesDone& done) const {
  std::vector<std::string> out;
  for (auto& best : translate_n_best(sources, 1, 0, done)) out.push_back(std::move(best.front().text));
  return out;
}

std::string Translator::translate_with_attention(const std::string& source, AttentionMap& map, int beam,
                                                 bool self_attention) const {
  const auto ids = tokenizers_.src->encode(source);
  map = {};
  if (ids.empty()) return "";
  EvalMode eval(*model_);
  const auto batch = data::make_source_batch({&ids}).to(torch::Device(device_));
  const auto hyp = search(batch.src, batch.src_lengths, beam, 1, true).front().front();
  std::vector<int> out(hyp.tokens.begin(), hyp.tokens.end());
  map.source_pieces = tokenizers_.src->pieces(ids);
  map.source_pieces.push_back("</s>");
  map.target_pieces = tokenizers_.tgt->pieces(out);
  map.target_pieces.push_back("</s>");
  map.weights = rows_of(hyp.attention);
  if (hyp.layer_attention.defined()) {  // [T, layers, heads, S]
    for (int64_t l = 0; l < hyp.layer_attention.size(1); ++l) {
      map.layer_head_weights.emplace_back();
      for (int64_t h = 0; h < hyp.layer_attention.size(2); ++h)
        map.layer_head_weights.back().push_back(rows_of(hyp.layer_attention.select(1, l).select(1, h)));
    }
    // Self-attention: one teacher-forced pass over the translation found. An
    // ensemble would record every member's layers together: single models only.
    if (self_attention && dynamic_cast<models::EnsembleImpl*>(model_.get()) == nullptr) {
      std::vector<int64_t> inputs{data::kBosId};
      inputs.insert(inputs.end(), hyp.tokens.begin(), hyp.tokens.end());
      const c10::InferenceMode inference;
      const models::PrecisionScope precision(models::parse_precision(decoding_.precision), weights_);
      const models::AttentionRecorder recorder;
      model_->forward(batch.src, batch.src_lengths, torch::tensor(inputs).view({1, -1}).to(batch.src.device()));
      map.encoder_self = maps_of(recorder.layers(models::SelfAttention::encoder));
      map.decoder_self = maps_of(recorder.layers(models::SelfAttention::decoder));
      map.decoder_inputs = map.target_pieces;
      map.decoder_inputs.insert(map.decoder_inputs.begin(), "<s>");
      map.decoder_inputs.pop_back();  // the last input is the last output piece, not </s>
    }
  }
  return tokenizers_.tgt->decode(out);
}

std::int64_t Translator::parameter_count() const { return models::parameter_count(*model_); }

Translator open_translator(const std::string& model_dir, const TranslateOptions& options, Config* resolved) {
  return open_translator(std::vector<std::string>{model_dir}, options, resolved);
}

Translator open_translator(const std::vector<std::string>& model_dirs, const TranslateOptions& options,
                           Config* resolved) {
  for (const auto& o : options.overrides)
    if (o.rfind("decoding.", 0) != 0) throw Error("--set " + o + ": only decoding.* can be set here");
  if (model_dirs.empty()) throw Error("no model directory given");
  std::vector<LoadedModel> loaded;
  std::vector<models::Seq2Seq> members;
  for (const auto& dir : model_dirs) {
    loaded.push_back(load_model_dir(dir, options.device));
    require_same_tokenizers(loaded.front().tokenizers, loaded.back().tokenizers);
    members.push_back(loaded.back().model);
  }
  auto& first = loaded.front();
  apply_overrides(first.config, options.overrides);
  first.config.decoding.precision = choose_precision(first.config.decoding.precision, "decoding.precision");
  setup_threads(options.threads, /*onednn_products=*/true);  // decoding packs its products for oneDNN in every precision
  if (options.beam > 0) first.config.decoding.beam_size = options.beam;
  if (members.size() > 1) spdlog::info("ensemble of {} models, decoding as {}'s config says", members.size(), model_dirs.front());
  log_decoding(first.config.decoding);
  if (resolved) *resolved = first.config;
  return Translator(models::make_ensemble(std::move(members)), first.tokenizers, first.config.decoding, first.device);
}

}  // namespace nmt
