#include "app/search.h"

#include <torch/torch.h>

#include "data/tokenizer.h"

namespace nmt {

std::vector<Hypothesis> greedy_search(models::Seq2SeqImpl& model, const torch::Tensor& src,
                                      const torch::Tensor& src_lengths, const SearchLimits& limits,
                                      bool keep_attention) {
  torch::NoGradGuard no_grad;
  const int64_t batch = src.size(0);
  auto state = model.start(model.encode(src, src_lengths));
  std::vector<Hypothesis> hyps(batch);
  std::vector<std::vector<torch::Tensor>> attention(batch);
  std::vector<int64_t> max_len(batch);
  const auto lengths = src_lengths.to(torch::kCPU);
  int64_t longest = 0;
  for (int64_t i = 0; i < batch; ++i) {
    const auto source_tokens = lengths[i].item<int64_t>() - 1;  // without EOS
    max_len[i] = static_cast<int64_t>(limits.max_length_a * source_tokens) + limits.max_length_b;
    longest = std::max(longest, max_len[i]);
  }

  std::vector<int64_t> active(batch);  // row r of the state is sentence active[r]
  std::iota(active.begin(), active.end(), 0);
  auto prev = torch::full({batch}, data::kBosId, src.options().dtype(torch::kInt64));
  for (int64_t t = 0; t <= longest && !active.empty(); ++t) {
    auto out = model.step(prev, *state);
    auto log_probs = out.logits.log_softmax(-1);
    auto [best_lp, best] = log_probs.max(-1);
    const auto best_cpu = best.to(torch::kCPU);
    const auto lp_cpu = best_lp.to(torch::kCPU).to(torch::kFloat64);
    const auto eos_cpu = log_probs.select(1, data::kEosId).to(torch::kCPU).to(torch::kFloat64);
    const auto best_at = best_cpu.accessor<int64_t, 1>();
    const auto lp_at = lp_cpu.accessor<double, 1>();
    const auto eos_at = eos_cpu.accessor<double, 1>();
    const auto attn_cpu = keep_attention ? out.attention.to(torch::kCPU) : torch::Tensor();
    std::vector<int64_t> keep_rows, still_active;
    for (std::size_t r = 0; r < active.size(); ++r) {
      const int64_t i = active[r];
      int64_t token = best_at[r];
      double lp = lp_at[r];
      if (t == max_len[i] && token != data::kEosId) token = data::kEosId, lp = eos_at[r];
      hyps[i].score += lp;
      if (keep_attention) attention[i].push_back(attn_cpu[r]);
      if (token == data::kEosId) continue;
      hyps[i].tokens.push_back(token);
      keep_rows.push_back(static_cast<int64_t>(r));
      still_active.push_back(i);
    }
    if (still_active.size() != active.size() && !still_active.empty()) {
      const auto rows = torch::tensor(keep_rows, torch::kInt64).to(src.device());
      state->select(rows);
      best = best.index_select(0, rows);
    }
    active.swap(still_active);
    prev = best;
  }
  if (keep_attention)
    for (int64_t i = 0; i < batch; ++i) hyps[i].attention = torch::stack(attention[i]);
  return hyps;
}

}  // namespace nmt
