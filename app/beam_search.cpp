#include "app/beam_search.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "data/error.h"
#include "data/tokenizer.h"

namespace nmt {
namespace {

constexpr double kNever = -std::numeric_limits<double>::infinity();

// A live hypothesis: its tokens so far and, if asked for, its attention rows.
struct Live {
  std::vector<int64_t> tokens;
  std::vector<torch::Tensor> attention, layer_attention;
  double log_prob = kNever;
};

}  // namespace

std::vector<std::vector<Hypothesis>> beam_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                                 const torch::Tensor& src_lengths, const BeamOptions& options) {
  const int64_t k = options.beam_size;
  if (k < 1) throw Error("beam size must be at least 1 (got " + std::to_string(k) + ")");
  if (options.n_best < 1 || options.n_best > k)
    throw Error("n-best must be between 1 and the beam size " + std::to_string(k) + " (got " +
                std::to_string(options.n_best) + ")");
  torch::NoGradGuard no_grad;
  const int64_t batch = src.size(0);
  const auto device = src.device();
  const auto ids = [&](const std::vector<int64_t>& v) { return torch::tensor(v, torch::kInt64).to(device); };

  // k rows per sentence; only the first is live at the start, so the first
  // step expands one hypothesis, not k copies of it.
  auto state = model.start(model.encode(src, src_lengths));
  state->select(torch::arange(batch, torch::TensorOptions(torch::kInt64).device(device)).repeat_interleave(k));
  const auto max_len = max_output_lengths(src_lengths, options.limits);
  std::vector<std::vector<Hypothesis>> finished(batch);
  std::vector<int64_t> active(batch);  // sentence of each group of k rows
  std::iota(active.begin(), active.end(), 0);
  std::vector<Live> live(batch * k);
  for (int64_t i = 0; i < batch; ++i) live[i * k].log_prob = 0;
  auto prev = torch::full({batch * k}, data::kBosId, torch::TensorOptions(torch::kInt64).device(device));

  for (int64_t t = 0; !active.empty(); ++t) {
    const auto out = model.step(prev, *state);
    const auto log_probs = out.logits.log_softmax(-1).to(torch::kFloat32);  // [A*k, V]
    const int64_t groups = static_cast<int64_t>(active.size()), vocab = log_probs.size(1);
    std::vector<float> live_scores(live.size());
    std::transform(live.begin(), live.end(), live_scores.begin(), [](const Live& h) { return h.log_prob; });
    // Candidates: every live hypothesis extended by every token, ranked by the
    // summed log-probability. 2k of them leave room for k that do not end.
    const auto total = (log_probs + torch::tensor(live_scores).to(device).unsqueeze(1)).view({groups, k * vocab});
    const int64_t width = std::min(2 * k, k * vocab);
    const auto [top_total, top_index] = total.topk(width, 1);
    const auto top_lp = log_probs.view({groups, k * vocab}).gather(1, top_index).to(torch::kCPU).to(torch::kFloat64);
    const auto top_total_cpu = top_total.to(torch::kCPU);
    const auto top_index_cpu = top_index.to(torch::kCPU);
    const auto eos_lp = log_probs.select(1, data::kEosId).to(torch::kCPU).to(torch::kFloat64);
    const auto total_at = top_total_cpu.accessor<float, 2>();
    const auto index_at = top_index_cpu.accessor<int64_t, 2>();
    const auto lp_at = top_lp.accessor<double, 2>();
    const auto eos_at = eos_lp.accessor<double, 1>();
    const auto attention = options.keep_attention ? out.attention.to(torch::kCPU) : torch::Tensor();
    const auto layer_attention = options.keep_attention && out.layer_attention.defined()
                                     ? out.layer_attention.to(torch::kCPU)
                                     : torch::Tensor();

    // The hypothesis in `row` extended by `token` (with this step's attention).
    const auto extend = [&](int64_t row, int64_t token, double log_prob) {
      Live next = live[row];
      if (token != data::kEosId) next.tokens.push_back(token);
      if (attention.defined()) next.attention.push_back(attention[row]);
      if (layer_attention.defined()) next.layer_attention.push_back(layer_attention[row]);
      next.log_prob = log_prob;
      return next;
    };
    const auto finish = [&](int64_t sentence, Live&& h) {
      Hypothesis done;
      done.tokens = std::move(h.tokens);
      done.log_prob = h.log_prob;
      done.score = h.log_prob / length_penalty(static_cast<int64_t>(done.tokens.size()) + 1, options.alpha);
      if (!h.attention.empty()) done.attention = torch::stack(h.attention);
      if (!h.layer_attention.empty()) done.layer_attention = torch::stack(h.layer_attention);
      finished[sentence].push_back(std::move(done));
    };

    std::vector<Live> next_live;
    std::vector<int64_t> next_rows, next_tokens, still_active;
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t i = active[g];
      if (t >= max_len[i]) {  // out of length: every live hypothesis ends here
        for (int64_t row = g * k; row < (g + 1) * k; ++row)
          if (live[row].log_prob != kNever) finish(i, extend(row, data::kEosId, live[row].log_prob + eos_at[row]));
        continue;
      }
      std::vector<Live> kept;
      std::vector<int64_t> kept_rows, kept_tokens;
      for (int64_t c = 0; c < width && static_cast<int64_t>(kept.size()) < k; ++c) {
        if (!std::isfinite(total_at[g][c])) break;
        const int64_t row = g * k + index_at[g][c] / vocab, token = index_at[g][c] % vocab;
        const double log_prob = live[row].log_prob + lp_at[g][c];
        if (token == data::kEosId) {
          finish(i, extend(row, token, log_prob));
          if (static_cast<int64_t>(finished[i].size()) >= k) break;
        } else {
          kept.push_back(extend(row, token, log_prob));
          kept_rows.push_back(row);
          kept_tokens.push_back(token);
        }
      }
      if (static_cast<int64_t>(finished[i].size()) >= k || kept.empty()) continue;  // sentence done
      while (static_cast<int64_t>(kept.size()) < k) {  // fill the group with dead copies
        kept.push_back(kept.front());
        kept.back().log_prob = kNever;
        kept_rows.push_back(kept_rows.front());
        kept_tokens.push_back(kept_tokens.front());
      }
      for (auto& h : kept) next_live.push_back(std::move(h));
      next_rows.insert(next_rows.end(), kept_rows.begin(), kept_rows.end());
      next_tokens.insert(next_tokens.end(), kept_tokens.begin(), kept_tokens.end());
      still_active.push_back(i);
    }
    if (still_active.empty()) break;
    state->select(ids(next_rows));
    prev = ids(next_tokens);
    live = std::move(next_live);
    active = std::move(still_active);
  }

  for (auto& hyps : finished) {
    std::stable_sort(hyps.begin(), hyps.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    if (static_cast<int64_t>(hyps.size()) > options.n_best) hyps.resize(options.n_best);
  }
  return finished;
}

}  // namespace nmt
