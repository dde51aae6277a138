#pragma once
// Paired bootstrap resampling (Koehn 2004) as sacreBLEU 2.x's --paired-bs:
// the test set is resampled with replacement, the same resamples for every
// system, and each is scored on every resample. That gives each system a 95%
// confidence interval and, against the baseline, the chance (p) that a
// difference as large as the observed one arises from the sentences drawn.
// The resamples are NumPy's default_rng(seed) draws, as sacreBLEU's.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/metrics/bleu.h"
#include "app/metrics/chrf.h"

namespace nmt {

// One system's statistics, sentence by sentence.
struct SentenceStats {
  std::vector<BleuStats> bleu;
  std::vector<ChrfStats> chrf;
};
SentenceStats sentence_stats(const std::vector<std::string>& hyps, const std::vector<std::string>& refs);

struct ResampledScore {
  double score = 0;               // on the test set as it is
  double mean = 0;                // over the resamples
  double ci = 0;                  // half the width of the resamples' central 95%
  std::optional<double> p_value;  // against the baseline (none for the baseline itself)
};

struct SystemComparison {
  ResampledScore bleu, chrf;
};

struct BootstrapOptions {
  int samples = 1000;          // sacreBLEU's default
  std::uint64_t seed = 12345;  // sacreBLEU's default (its SACREBLEU_SEED)
};

// A system's scores on the test set as it is (no resampling).
SystemComparison corpus_scores(const SentenceStats& system);

// systems[0] is the baseline; every system has the same number of sentences.
std::vector<SystemComparison> paired_bootstrap(const std::vector<SentenceStats>& systems,
                                               const BootstrapOptions& options = {});

}  // namespace nmt
