#include "app/decode/search.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/decode/row_best.h"
#include "data/special_ids.h"

namespace nmt {

std::vector<int64_t> max_output_lengths(const torch::Tensor& src_lengths, const SearchLimits& limits) {
  const auto lengths = src_lengths.to(torch::kCPU).to(torch::kInt64);
  std::vector<int64_t> out(lengths.size(0));
  for (int64_t i = 0; i < lengths.size(0); ++i) {
    const auto source_tokens = lengths[i].item<int64_t>() - 1;  // without EOS
    out[i] = static_cast<int64_t>(limits.max_length_a * source_tokens) + limits.max_length_b;
  }
  return out;
}

double length_penalty(int64_t length, double alpha) {
  return alpha == 0 ? 1.0 : std::pow((5.0 + static_cast<double>(length)) / 6.0, alpha);
}

std::vector<Hypothesis> greedy_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                      const torch::Tensor& src_lengths, const SearchLimits& limits,
                                      bool keep_attention) {
  torch::NoGradGuard no_grad;
  const int64_t batch = src.size(0);
  auto state = model.start(model.encode(src, src_lengths), 1);
  state->keep_attention = keep_attention;
  std::vector<Hypothesis> hyps(batch);
  std::vector<std::vector<torch::Tensor>> attention(batch), layer_attention(batch);
  const auto max_len = max_output_lengths(src_lengths, limits);
  const int64_t longest = *std::max_element(max_len.begin(), max_len.end());

  std::vector<int64_t> active(batch);  // row r of the state is sentence active[r]
  std::iota(active.begin(), active.end(), 0);
  auto prev = torch::full({batch}, data::kBosId, src.options().dtype(torch::kInt64));
  for (int64_t t = 0; t <= longest && !active.empty(); ++t) {
    auto out = model.step(prev, *state);
    const auto best = row_best(out.logits, 1, out.normalized, data::kEosId);
    const auto attn_cpu = keep_attention ? out.attention.to(torch::kCPU) : torch::Tensor();
    const auto layer_cpu =
        keep_attention && out.layer_attention.defined() ? out.layer_attention.to(torch::kCPU) : torch::Tensor();
    std::vector<int64_t> keep_rows, still_active, next_tokens;
    for (std::size_t r = 0; r < active.size(); ++r) {
      const int64_t i = active[r];
      int64_t token = best.token[r];
      double lp = best.log_prob[r];
      if (t == max_len[i] && token != data::kEosId) token = data::kEosId, lp = best.eos[r];
      hyps[i].log_prob += lp;
      if (keep_attention) attention[i].push_back(attn_cpu[r]);
      if (layer_cpu.defined()) layer_attention[i].push_back(layer_cpu[r]);
      if (token == data::kEosId) continue;
      hyps[i].tokens.push_back(token);
      keep_rows.push_back(static_cast<int64_t>(r));
      still_active.push_back(i);
      next_tokens.push_back(token);
    }
    if (still_active.size() != active.size() && !still_active.empty())
      state->select(torch::tensor(keep_rows, torch::kInt64).to(src.device()));
    active.swap(still_active);
    if (!active.empty()) prev = torch::tensor(next_tokens, torch::kInt64).to(src.device());
  }
  for (int64_t i = 0; i < batch; ++i) {
    hyps[i].score = hyps[i].log_prob;
    if (keep_attention) hyps[i].attention = torch::stack(attention[i]);
    if (!layer_attention[i].empty()) hyps[i].layer_attention = torch::stack(layer_attention[i]);
  }
  return hyps;
}

}  // namespace nmt
