#include "app/metrics/paired_bootstrap.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/metrics/numpy_random.h"
#include "common/error.h"

namespace nmt {
namespace {

template <typename Stats, typename Compute>
double score_of(const std::vector<Stats>& per_sentence, const std::vector<std::int64_t>* resample,
                Compute compute) {
  Stats total;
  if (resample == nullptr) {
    for (const auto& s : per_sentence) total += s;
  } else {
    for (const auto i : *resample) total += per_sentence[static_cast<std::size_t>(i)];
  }
  return compute(total);
}

double bleu_of(const BleuStats& t) { return compute_bleu(t).score; }
double chrf_of(const ChrfStats& t) { return compute_chrf(t); }

// Mean and half the width of the central 95% (sacreBLEU's estimate_ci: the
// sorted scores' n/40-th from either end).
void estimate_ci(std::vector<double> scores, ResampledScore& out) {
  std::sort(scores.begin(), scores.end());
  const std::size_t n = scores.size(), lower = n / 40, upper = n - lower - 1;
  out.mean = std::accumulate(scores.begin(), scores.end(), 0.0) / static_cast<double>(n);
  out.ci = 0.5 * (scores[upper] - scores[lower]);
}

// The resampled differences, centred on their mean, that exceed the observed
// one; +1 on both sides so that p is never 0 (sacreBLEU's _compute_p_value).
double p_value(const std::vector<double>& baseline, const std::vector<double>& system, double observed) {
  std::vector<double> diffs(system.size());
  for (std::size_t i = 0; i < diffs.size(); ++i) diffs[i] = std::abs(system[i] - baseline[i]);
  const double mean = std::accumulate(diffs.begin(), diffs.end(), 0.0) / static_cast<double>(diffs.size());
  const auto larger = std::count_if(diffs.begin(), diffs.end(), [&](double d) { return d - mean > observed; });
  return static_cast<double>(larger + 1) / static_cast<double>(diffs.size() + 1);
}

// The scores and resampled scores of every system, the baseline's first,
// turned into means, intervals and p-values.
std::vector<ResampledScore> summarize(const std::vector<double>& scores,
                                      const std::vector<std::vector<double>>& resampled) {
  std::vector<ResampledScore> out(scores.size());
  for (std::size_t s = 0; s < scores.size(); ++s) {
    out[s].score = scores[s];
    estimate_ci(resampled[s], out[s]);
    if (s > 0) out[s].p_value = p_value(resampled[0], resampled[s], std::abs(scores[0] - scores[s]));
  }
  return out;
}

}  // namespace

SentenceStats sentence_stats(const std::vector<std::string>& hyps, const std::vector<std::string>& refs) {
  if (hyps.size() != refs.size())
    throw Error("scoring needs as many hypotheses as references (" + std::to_string(hyps.size()) + " vs " +
                std::to_string(refs.size()) + ")");
  SentenceStats out;
  out.bleu.resize(hyps.size());
  out.chrf.resize(hyps.size());
  for (std::size_t i = 0; i < hyps.size(); ++i) {
    out.bleu[i].add(hyps[i], refs[i]);
    out.chrf[i].add(hyps[i], refs[i]);
  }
  return out;
}

SystemComparison corpus_scores(const SentenceStats& system) {
  SystemComparison out;
  out.bleu.score = score_of(system.bleu, nullptr, bleu_of);
  out.chrf.score = score_of(system.chrf, nullptr, chrf_of);
  return out;
}

std::vector<SystemComparison> paired_bootstrap(const std::vector<SentenceStats>& systems,
                                               const BootstrapOptions& options) {
  if (systems.size() < 2) throw Error("paired bootstrap resampling compares at least two systems");
  if (options.samples < 1) throw Error("paired bootstrap resampling needs at least one resample");
  const std::size_t sentences = systems[0].bleu.size();
  if (sentences == 0) throw Error("paired bootstrap resampling needs at least one sentence");
  for (const auto& s : systems)
    if (s.bleu.size() != sentences || s.chrf.size() != sentences)
      throw Error("paired bootstrap resampling needs the same sentences for every system (" +
                  std::to_string(sentences) + " vs " + std::to_string(s.bleu.size()) + ")");
  std::vector<double> bleu, chrf;
  for (const auto& s : systems) {
    const auto whole = corpus_scores(s);
    bleu.push_back(whole.bleu.score);
    chrf.push_back(whole.chrf.score);
  }
  // One resample at a time, drawn row by row as numpy's rng.choice(sentences,
  // size=(samples, sentences)), so that memory does not grow with the samples.
  std::vector<std::vector<double>> bleu_resampled(systems.size()), chrf_resampled(systems.size());
  NumpyGenerator rng(options.seed);
  std::vector<std::int64_t> resample(sentences);
  for (int r = 0; r < options.samples; ++r) {
    for (auto& index : resample) index = rng.below(static_cast<std::int64_t>(sentences));
    for (std::size_t s = 0; s < systems.size(); ++s) {
      bleu_resampled[s].push_back(score_of(systems[s].bleu, &resample, bleu_of));
      chrf_resampled[s].push_back(score_of(systems[s].chrf, &resample, chrf_of));
    }
  }
  const auto bleu_scores = summarize(bleu, bleu_resampled);
  const auto chrf_scores = summarize(chrf, chrf_resampled);
  std::vector<SystemComparison> out(systems.size());
  for (std::size_t s = 0; s < systems.size(); ++s) out[s] = {bleu_scores[s], chrf_scores[s]};
  return out;
}

}  // namespace nmt
