#include "app/decode/beam_search.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "app/decode/row_best.h"
#include "common/error.h"
#include "data/special_ids.h"

namespace nmt {
namespace {

constexpr double kNever = -std::numeric_limits<double>::infinity();

// A live hypothesis: its tokens so far and, if asked for, its attention rows.
struct Live {
  std::vector<int64_t> tokens;
  std::vector<torch::Tensor> attention, layer_attention;
  double log_prob = kNever;
};

// One step's candidates on the CPU: for each group of k rows (one sentence),
// the `width` best extensions of its live hypotheses by summed log-probability.
struct Candidates {
  torch::Tensor total;    // [groups, width] float: summed log-probabilities, best first
  torch::Tensor index;    // [groups, width] int64: row-in-group * vocab + token
  torch::Tensor step_lp;  // [groups, width] float64: the token's own log-probability
  torch::Tensor eos_lp;   // [rows] float64: log-probability of ending each row now
  torch::Tensor attention, layer_attention;  // this step's, when kept
  int64_t vocab = 0, width = 0;
};

// The rows that survive a step, in the order of the next state.
struct NextBeams {
  std::vector<Live> live;
  std::vector<int64_t> rows, tokens, active;
};

class BeamSearch {
 public:
  BeamSearch(models::Seq2SeqImpl& model, const torch::Tensor& src, const torch::Tensor& src_lengths,
             const BeamOptions& options)
      : model_(model), options_(options), k_(options.beam_size), device_(src.device()),
        max_len_(max_output_lengths(src_lengths, options.limits)), finished_(src.size(0)) {
    const int64_t batch = src.size(0);
    // The first step has one hypothesis a sentence: it runs on one row a
    // sentence, and the state widens to k rows a sentence after it (running
    // it on k rows, k - 1 of them dead, was a twentieth of a batched beam-5
    // search).
    state_ = model.start(model.encode(src, src_lengths), 1);
    state_->keep_attention = options.keep_attention;
    active_.resize(batch);
    std::iota(active_.begin(), active_.end(), 0);
    live_.resize(batch);
    for (auto& h : live_) h.log_prob = 0;
    prev_ = torch::full({batch}, data::kBosId, torch::TensorOptions(torch::kInt64).device(device_));
  }

  std::vector<std::vector<Hypothesis>> run() {
    for (int64_t t = 0; !active_.empty(); ++t) {
      const auto candidates = rank_candidates(model_.step(prev_, *state_));
      NextBeams next;
      for (int64_t g = 0; g < static_cast<int64_t>(active_.size()); ++g) {
        if (t >= max_len_[active_[g]]) end_group(g, candidates);
        else advance_group(g, candidates, next);
      }
      if (next.active.empty()) break;
      const auto rows = torch::tensor(next.rows, torch::kInt64);
      if (group_rows_ == k_) {
        state_->select(rows);
      } else {
        state_->widen(rows, k_);
        group_rows_ = k_;
      }
      prev_ = ids(next.tokens);
      live_ = std::move(next.live);
      active_ = std::move(next.active);
    }
    return best_finished();
  }

 private:
  torch::Tensor ids(const std::vector<int64_t>& v) const { return torch::tensor(v, torch::kInt64).to(device_); }

  // Candidates: every live hypothesis extended by every token, ranked by the
  // summed log-probability. 2k of them leave room for k that do not end.
  // A group's best 2k are among its rows' own best 2k (a row's score is the
  // same for all its tokens), so only those are ranked (row_best.h).
  Candidates rank_candidates(const models::StepOutput& out) const {
    const int64_t groups = static_cast<int64_t>(active_.size()), rows = groups * group_rows_;
    Candidates c;
    c.vocab = out.logits.size(1);
    c.width = std::min(2 * k_, group_rows_ * c.vocab);
    const int64_t per_row = std::min(c.width, c.vocab), slots = group_rows_ * per_row;
    const auto best = row_best(out.logits, per_row, out.normalized, data::kEosId);
    c.total = torch::empty({groups, c.width}, torch::kFloat32);
    c.index = torch::empty({groups, c.width}, torch::kInt64);
    c.step_lp = torch::empty({groups, c.width}, torch::kFloat64);
    c.eos_lp = torch::from_blob(const_cast<float*>(best.eos.data()), {rows}, torch::kFloat32).to(torch::kFloat64);
    auto total = c.total.accessor<float, 2>();
    auto index = c.index.accessor<int64_t, 2>();
    auto step_lp = c.step_lp.accessor<double, 2>();
    std::vector<float> sums(slots);
    std::vector<int64_t> order(slots);
    for (int64_t g = 0; g < groups; ++g) {
      // Slot s of a group is its row s / per_row's candidate s % per_row.
      const int64_t first = g * group_rows_ * per_row;
      for (int64_t s = 0; s < slots; ++s)
        sums[s] = static_cast<float>(live_[g * group_rows_ + s / per_row].log_prob) + best.log_prob[first + s];
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + c.width, order.end(), [&](int64_t a, int64_t b) {
        return sums[a] > sums[b] || (sums[a] == sums[b] && a < b);
      });
      for (int64_t j = 0; j < c.width; ++j) {
        const int64_t s = order[j];
        total[g][j] = sums[s];
        index[g][j] = s / per_row * c.vocab + best.token[first + s];
        step_lp[g][j] = best.log_prob[first + s];
      }
    }
    if (options_.keep_attention) {
      c.attention = out.attention.to(torch::kCPU);
      if (out.layer_attention.defined()) c.layer_attention = out.layer_attention.to(torch::kCPU);
    }
    return c;
  }

  // The hypothesis in `row` extended by `token` (with this step's attention).
  Live extend(int64_t row, int64_t token, double log_prob, const Candidates& c) const {
    Live next = live_[row];
    if (token != data::kEosId) next.tokens.push_back(token);
    if (c.attention.defined()) next.attention.push_back(c.attention[row]);
    if (c.layer_attention.defined()) next.layer_attention.push_back(c.layer_attention[row]);
    next.log_prob = log_prob;
    return next;
  }

  void finish(int64_t sentence, Live&& h) {
    Hypothesis done;
    done.tokens = std::move(h.tokens);
    done.log_prob = h.log_prob;
    done.score = h.log_prob / length_penalty(static_cast<int64_t>(done.tokens.size()) + 1, options_.alpha);
    if (!h.attention.empty()) done.attention = torch::stack(h.attention);
    if (!h.layer_attention.empty()) done.layer_attention = torch::stack(h.layer_attention);
    finished_[sentence].push_back(std::move(done));
  }

  // Done when `needed` hypotheses have ended and the best live one, scored as
  // if it ended now, no longer beats the needed-th best of them. With a length
  // penalty, needed is k: stopping at the first k ended ones instead (the rule
  // before) kept the short hypotheses that end early, which a penalty that
  // favours longer outputs cannot undo. Without one, a score only falls as a
  // hypothesis grows, so the rule is exact for the n best asked for and needs
  // only those (CTranslate2's early exit): the same output in fewer steps.
  bool sentence_done(int64_t sentence, const Live* best_live) const {
    const auto& done = finished_[sentence];
    const int64_t needed = options_.alpha == 0 ? options_.n_best : k_;
    if (static_cast<int64_t>(done.size()) < needed) return false;
    if (best_live == nullptr) return true;
    std::vector<double> scores;
    for (const auto& h : done) scores.push_back(h.score);
    std::nth_element(scores.begin(), scores.begin() + (needed - 1), scores.end(), std::greater<>());
    const auto length = static_cast<int64_t>(best_live->tokens.size()) + 1;
    return best_live->log_prob / length_penalty(length, options_.alpha) <= scores[needed - 1];
  }

  // Out of length: every live hypothesis of group g ends here.
  void end_group(int64_t g, const Candidates& c) {
    const auto eos = c.eos_lp.accessor<double, 1>();
    for (int64_t row = g * group_rows_; row < (g + 1) * group_rows_; ++row)
      if (live_[row].log_prob != kNever)
        finish(active_[g], extend(row, data::kEosId, live_[row].log_prob + eos[row], c));
  }

  // Walks group g's candidates best first: one that ends is finished, the
  // others fill the next beam up to k. A sentence that is done (see
  // sentence_done), or has nothing left to extend, leaves the batch.
  void advance_group(int64_t g, const Candidates& c, NextBeams& next) {
    const int64_t sentence = active_[g];
    const auto total = c.total.accessor<float, 2>();
    const auto index = c.index.accessor<int64_t, 2>();
    const auto step_lp = c.step_lp.accessor<double, 2>();
    std::vector<Live> kept;
    std::vector<int64_t> rows, tokens;
    for (int64_t j = 0; j < c.width && static_cast<int64_t>(kept.size()) < k_; ++j) {
      if (!std::isfinite(total[g][j])) break;
      const int64_t row = g * group_rows_ + index[g][j] / c.vocab, token = index[g][j] % c.vocab;
      const double log_prob = live_[row].log_prob + step_lp[g][j];
      if (token == data::kEosId) {
        finish(sentence, extend(row, token, log_prob, c));
      } else {
        kept.push_back(extend(row, token, log_prob, c));
        rows.push_back(row);
        tokens.push_back(token);
      }
    }
    if (kept.empty() || sentence_done(sentence, &kept.front())) return;
    while (static_cast<int64_t>(kept.size()) < k_) {  // fill the group with dead copies
      kept.push_back(kept.front());
      kept.back().log_prob = kNever;
      rows.push_back(rows.front());
      tokens.push_back(tokens.front());
    }
    for (auto& h : kept) next.live.push_back(std::move(h));
    next.rows.insert(next.rows.end(), rows.begin(), rows.end());
    next.tokens.insert(next.tokens.end(), tokens.begin(), tokens.end());
    next.active.push_back(sentence);
  }

  std::vector<std::vector<Hypothesis>> best_finished() {
    for (auto& hyps : finished_) {
      std::stable_sort(hyps.begin(), hyps.end(),
                       [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
      if (static_cast<int64_t>(hyps.size()) > options_.n_best) hyps.resize(options_.n_best);
    }
    return std::move(finished_);
  }

  models::Seq2SeqImpl& model_;
  const BeamOptions& options_;
  const int64_t k_;
  int64_t group_rows_ = 1;  // rows a sentence in the state: 1 for the first step, then k
  const torch::Device device_;
  const std::vector<int64_t> max_len_;
  std::vector<std::vector<Hypothesis>> finished_;
  std::unique_ptr<models::DecoderState> state_;
  std::vector<int64_t> active_;  // sentence of each group of k rows
  std::vector<Live> live_;
  torch::Tensor prev_;
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
  return BeamSearch(model, src, src_lengths, options).run();
}

}  // namespace nmt
