#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <cmath>

#include "app/decode/beam_search.h"
#include "app/decode/search.h"
#include "data/tokenizer.h"
#include "models/factory.h"

using namespace nmt;
using torch::indexing::Slice;

namespace {

constexpr int64_t kA = 4, kB = 5, kVocab = 6;

// A hand-set "model" whose next-token distribution depends on the previous
// token only. From BOS, A (0.6) beats B (0.4); after A the best is EOS with
// 0.34, after B it is EOS with 0.9. Greedy: "A" (0.6 * 0.34 = 0.204); the best
// sequence is "B" (0.4 * 0.9 = 0.36).
class BigramModel : public models::Seq2SeqImpl {
 public:
  BigramModel() {
    table_ = torch::full({kVocab, kVocab}, 1e-9);
    set(data::kBosId, {{kA, 0.6}, {kB, 0.4}});
    set(kA, {{data::kEosId, 0.34}, {kA, 0.33}, {kB, 0.33}});
    set(kB, {{data::kEosId, 0.9}, {kA, 0.05}, {kB, 0.05}});
    set(data::kEosId, {{data::kEosId, 1.0}});
  }
  torch::Tensor forward(const torch::Tensor&, const torch::Tensor&, const torch::Tensor& tgt_in) override {
    return table_.log().index_select(0, tgt_in.flatten()).view({tgt_in.size(0), tgt_in.size(1), kVocab});
  }
  models::EncoderMemory encode(const torch::Tensor& src, const torch::Tensor&) override {
    return {torch::zeros({src.size(0), src.size(1), 1}), src.ne(data::kPadId), {}, {}};
  }
  struct State : models::DecoderState {
    torch::Tensor mask;
    void select(const torch::Tensor& indices) override { mask = mask.index_select(0, indices); }
  };
  std::unique_ptr<models::DecoderState> start(const models::EncoderMemory& memory, int64_t beam) override {
    auto state = std::make_unique<State>();
    state->mask = memory.mask.repeat_interleave(beam, 0);
    return state;
  }
  models::StepOutput step(const torch::Tensor& prev, models::DecoderState& state) override {
    const auto& mask = static_cast<State&>(state).mask;
    return {table_.log().index_select(0, prev), mask.to(torch::kFloat32) / mask.sum(1, true), {}};
  }

 private:
  void set(int64_t prev, std::vector<std::pair<int64_t, double>> next) {
    for (auto [token, p] : next) table_[prev][token] = p;
  }
  torch::Tensor table_;
};

models::Seq2Seq random_model(const std::string& type) {
  models::ModelConfig c;
  c.type = type;
  c.embedding_dim = 16;
  c.hidden_dim = 16;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.heads = 2;
  c.ff_dim = 32;
  auto model = models::build_model(c, 30, 30, true);
  model->eval();
  return model;
}

void three_sources(torch::Tensor& src, torch::Tensor& lengths) {
  src = torch::tensor({5, 6, 7, 8, data::kEosId,
                       9, 10, data::kEosId, data::kPadId, data::kPadId,
                       11, 12, 13, data::kEosId, data::kPadId}, torch::kInt64).view({3, 5});
  lengths = torch::tensor({5, 3, 4}, torch::kInt64);
}

// Log-probability of `tokens` + EOS under teacher forcing.
double forced_log_prob(models::Seq2SeqImpl& model, const torch::Tensor& src, const torch::Tensor& length,
                       const std::vector<int64_t>& tokens) {
  torch::NoGradGuard no_grad;
  std::vector<int64_t> in = {data::kBosId}, out = tokens;
  in.insert(in.end(), tokens.begin(), tokens.end());
  out.push_back(data::kEosId);
  const auto lp = model.forward(src, length, torch::tensor(in, torch::kInt64).unsqueeze(0)).log_softmax(-1)[0];
  double sum = 0;
  for (std::size_t t = 0; t < out.size(); ++t) sum += lp[t][out[t]].item<double>();
  return sum;
}

}  // namespace

TEST_CASE("beam search finds the sequence that greedy search misses", "[beam]") {
  BigramModel model;
  const auto src = torch::tensor({{7, data::kEosId}}, torch::kInt64);
  const auto lengths = torch::tensor({2}, torch::kInt64);
  const auto greedy = greedy_search(model, src, lengths, {1.5, 5});
  CHECK(greedy[0].tokens == std::vector<int64_t>{kA});
  CHECK(greedy[0].log_prob == Approx(std::log(0.6 * 0.34)));

  BeamOptions options;
  options.beam_size = 2;
  options.n_best = 2;
  options.alpha = 0;
  options.limits = {1.5, 5};
  const auto beams = beam_search(model, src, lengths, options);
  REQUIRE(beams[0].size() == 2);
  CHECK(beams[0][0].tokens == std::vector<int64_t>{kB});
  CHECK(beams[0][0].log_prob == Approx(std::log(0.4 * 0.9)));
  CHECK(beams[0][1].tokens == std::vector<int64_t>{kA});
  CHECK(beams[0][1].score == Approx(std::log(0.6 * 0.34)));
}

TEST_CASE("the length penalty divides the log-probability by ((5 + n) / 6)^alpha", "[beam]") {
  CHECK(length_penalty(7, 0.0) == 1.0);
  CHECK(length_penalty(1, 1.0) == Approx(1.0));
  CHECK(length_penalty(7, 0.6) == Approx(std::pow(2.0, 0.6)));
  BigramModel model;
  BeamOptions options;
  options.beam_size = 3;
  options.n_best = 3;
  options.alpha = 1.0;
  options.limits = {0.0, 3};
  const auto hyps = beam_search(model, torch::tensor({{7, data::kEosId}}, torch::kInt64),
                                torch::tensor({2}, torch::kInt64), options)[0];
  REQUIRE(hyps.size() == 3);
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    const auto n = static_cast<int64_t>(hyps[i].tokens.size()) + 1;
    CHECK(hyps[i].score == Approx(hyps[i].log_prob / ((5.0 + n) / 6.0)));
    if (i > 0) CHECK(hyps[i - 1].score >= hyps[i].score);
  }
}

TEST_CASE("beam size 1 gives exactly the greedy output", "[beam]") {
  for (const std::string type : {"gru", "transformer"}) {
    torch::manual_seed(21);
    auto model = random_model(type);
    torch::Tensor src, lengths;
    three_sources(src, lengths);
    const SearchLimits limits{1.0, 4};
    const auto greedy = greedy_search(*model, src, lengths, limits);
    BeamOptions options;
    options.beam_size = 1;
    options.limits = limits;
    const auto beam = beam_search(*model, src, lengths, options);
    for (int i = 0; i < 3; ++i) {
      INFO(type << " sentence " << i);
      CHECK(beam[i][0].tokens == greedy[i].tokens);
      CHECK(beam[i][0].log_prob == Approx(greedy[i].log_prob).epsilon(1e-5));
    }
  }
}

TEST_CASE("beam hypotheses are scored by their summed log-probabilities, batched or alone", "[beam]") {
  for (const std::string type : {"gru", "transformer"}) {
    torch::manual_seed(22);
    auto model = random_model(type);
    torch::Tensor src, lengths;
    three_sources(src, lengths);
    BeamOptions options;
    options.beam_size = 4;
    options.n_best = 3;
    options.alpha = 0.6;
    options.limits = {1.0, 5};
    options.keep_attention = true;
    const auto batched = beam_search(*model, src, lengths, options);
    REQUIRE(batched.size() == 3);
    for (int i = 0; i < 3; ++i) {
      INFO(type << " sentence " << i);
      const auto len = lengths[i].item<int64_t>();
      const auto one_src = src.index({Slice(i, i + 1), Slice(0, len)});
      const auto one_len = lengths.index({Slice(i, i + 1)});
      REQUIRE(batched[i].size() == 3);
      for (const auto& h : batched[i]) {
        // A wrong state reordering would pair tokens with another hypothesis's state.
        CHECK(h.log_prob == Approx(forced_log_prob(*model, one_src, one_len, h.tokens)).epsilon(1e-4));
        CHECK(h.score == Approx(h.log_prob / length_penalty(h.tokens.size() + 1, 0.6)));
        CHECK(static_cast<int64_t>(h.tokens.size()) <= (len - 1) + 5);
        CHECK(h.attention.size(0) == static_cast<int64_t>(h.tokens.size() + 1));
        CHECK(h.layer_attention.defined() == (type == "transformer"));
      }
      const auto alone = beam_search(*model, one_src, one_len, options)[0];
      for (std::size_t n = 0; n < alone.size(); ++n) {
        CHECK(alone[n].tokens == batched[i][n].tokens);
        CHECK(alone[n].score == Approx(batched[i][n].score).epsilon(1e-4));
      }
    }
  }
}

TEST_CASE("beam search rejects an n-best larger than the beam", "[beam]") {
  BigramModel model;
  BeamOptions options;
  options.beam_size = 2;
  options.n_best = 3;
  CHECK_THROWS_WITH(beam_search(model, torch::tensor({{7, data::kEosId}}, torch::kInt64),
                                torch::tensor({2}, torch::kInt64), options),
                    Catch::Contains("n-best"));
}

TEST_CASE("without a length penalty the search stops once the n best are certain, with the same output", "[beam]") {
  // BigramModel counting its steps.
  struct Counting : BigramModel {
    int64_t steps = 0;
    models::StepOutput step(const torch::Tensor& prev, models::DecoderState& state) override {
      ++steps;
      return BigramModel::step(prev, state);
    }
  };
  const auto src = torch::tensor({{7, data::kEosId}}, torch::kInt64);
  const auto lengths = torch::tensor({2}, torch::kInt64);
  BeamOptions options;
  options.beam_size = 3;
  options.limits = {0.0, 8};
  for (const int64_t n_best : {int64_t{1}, int64_t{2}}) {
    INFO("n-best " << n_best);
    options.n_best = n_best;
    Counting exact, waiting;
    options.alpha = 0;  // the n best ended ones beat every live one: done
    const auto early = beam_search(exact, src, lengths, options)[0];
    options.alpha = 1e-12;  // the same ranking, but the rule for a penalty: k ended ones
    const auto late = beam_search(waiting, src, lengths, options)[0];
    REQUIRE(early.size() == static_cast<std::size_t>(n_best));
    for (int64_t i = 0; i < n_best; ++i) {
      CHECK(early[i].tokens == late[i].tokens);
      CHECK(early[i].log_prob == Approx(late[i].log_prob));
    }
    CHECK(early[0].tokens == std::vector<int64_t>{kB});
    CHECK(exact.steps < waiting.steps);
  }
}
