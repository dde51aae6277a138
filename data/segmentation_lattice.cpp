#include "data/segmentation_lattice.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "data/special_ids.h"

namespace nmt::data {
namespace {

constexpr double kImpossible = -std::numeric_limits<double>::infinity();

double log_add(double a, double b) {
  if (a == kImpossible) return b;
  if (b == kImpossible) return a;
  const double hi = std::max(a, b);
  return hi + std::log1p(std::exp(std::min(a, b) - hi));
}

// A piece may end only where a UTF-8 character ends.
bool character_boundary(std::string_view text, std::size_t at) {
  return at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80;
}

bool special(int id) { return id == kPadId || id == kUnkId || id == kBosId || id == kEosId; }

}  // namespace

SegmentationLattice::SegmentationLattice(const Tokenizer& tokenizer) {
  const int n = tokenizer.vocab_size();
  spellings_.reserve(static_cast<std::size_t>(n));  // the map's keys point into it: no reallocation
  for (int id = 0; id < n; ++id) spellings_.push_back(special(id) ? std::string() : tokenizer.piece(id));
  for (int id = 0; id < n; ++id) {
    const auto& s = spellings_[static_cast<std::size_t>(id)];
    if (s.empty()) continue;
    pieces_.emplace(std::string_view(s), Piece{id, tokenizer.score(id)});
    longest_ = std::max(longest_, s.size());
  }
}

std::vector<std::vector<SegmentationLattice::Edge>> SegmentationLattice::edges(std::string_view text,
                                                                              double alpha) const {
  std::vector<std::vector<Edge>> ending(text.size() + 1);
  for (std::size_t start = 0; start < text.size(); ++start) {
    if (!character_boundary(text, start)) continue;
    const std::size_t last = std::min(text.size(), start + longest_);
    for (std::size_t end = start + 1; end <= last; ++end) {
      if (!character_boundary(text, end)) continue;
      const auto found = pieces_.find(text.substr(start, end - start));
      if (found != pieces_.end()) ending[end].push_back({start, found->second.id, alpha * found->second.log_p});
    }
  }
  return ending;
}

std::vector<int> SegmentationLattice::sample_text(std::string_view text, double alpha, std::mt19937_64& rng) const {
  const auto ending = edges(text, alpha);
  // Forward filtering: forward[i], the log of the summed weights of every
  // segmentation of the first i bytes.
  std::vector<double> forward(text.size() + 1, kImpossible);
  forward[0] = 0;
  for (std::size_t end = 1; end <= text.size(); ++end)
    for (const auto& e : ending[end]) forward[end] = log_add(forward[end], forward[e.start] + e.log_weight);
  if (forward[text.size()] == kImpossible) return {};
  // Backward sampling: the last piece in proportion to the weight of the
  // segmentations it ends, then the one before it, and so on.
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<int> ids;
  for (std::size_t end = text.size(); end > 0;) {
    const auto& candidates = ending[end];
    double u = uniform(rng);
    const Edge* chosen = nullptr;
    for (const auto& e : candidates) {
      if (forward[e.start] == kImpossible) continue;
      chosen = &e;
      u -= std::exp(forward[e.start] + e.log_weight - forward[end]);
      if (u < 0) break;
    }
    ids.push_back(chosen->id);  // forward[end] is finite, so some candidate is
    end = chosen->start;
  }
  std::reverse(ids.begin(), ids.end());
  return ids;
}

std::vector<int> SegmentationLattice::sample(const std::vector<int>& ids, double alpha, std::mt19937_64& rng) const {
  std::vector<int> out;
  out.reserve(ids.size() * 2);
  std::size_t from = 0;
  // Each stretch of ordinary pieces is spelled out and sampled on its own.
  auto flush = [&](std::size_t to) {
    if (to == from) return;
    std::string text;
    for (std::size_t i = from; i < to; ++i) text += spellings_[static_cast<std::size_t>(ids[i])];
    auto sampled = sample_text(text, alpha, rng);
    if (sampled.empty()) sampled.assign(ids.data() + from, ids.data() + to);  // the pieces cannot spell it
    out.insert(out.end(), sampled.begin(), sampled.end());
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int id = ids[i];
    const bool ordinary = id >= 0 && static_cast<std::size_t>(id) < spellings_.size() &&
                          !spellings_[static_cast<std::size_t>(id)].empty();
    if (ordinary) continue;
    flush(i);
    out.push_back(id);
    from = i + 1;
  }
  flush(ids.size());
  return out;
}

std::vector<std::pair<std::vector<int>, double>> SegmentationLattice::enumerate(const std::string& text,
                                                                                double alpha) const {
  const auto ending = edges(text, alpha);
  // Every path from byte 0, extended piece by piece: ends_at[i], those that end at byte i.
  std::vector<std::vector<std::pair<std::vector<int>, double>>> ends_at(text.size() + 1);
  ends_at[0].push_back({{}, 0.0});
  for (std::size_t end = 1; end <= text.size(); ++end)
    for (const auto& e : ending[end])
      for (const auto& [ids, log_weight] : ends_at[e.start]) {
        auto longer = ids;
        longer.push_back(e.id);
        ends_at[end].push_back({std::move(longer), log_weight + e.log_weight});
      }
  auto all = ends_at[text.size()];
  double total = kImpossible;
  for (const auto& s : all) total = log_add(total, s.second);
  for (auto& s : all) s.second = std::exp(s.second - total);
  return all;
}

}  // namespace nmt::data
