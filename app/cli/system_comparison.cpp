#include "app/cli/system_comparison.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "common/error.h"
#include "data/parallel_corpus.h"
#include "data/text_file.h"

namespace nmt {
namespace {

std::string format(const char* pattern, double a, double b = 0, double c = 0) {
  char buf[128];
  std::snprintf(buf, sizeof buf, pattern, a, b, c);
  return buf;
}

// Columns by code points, so that "±" counts as one.
std::size_t columns(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(std::string s, std::size_t width) {
  if (columns(s) < width) s.append(width - columns(s), ' ');
  return s;
}

std::string cell(const ResampledScore& s, bool with_ci) {
  if (!with_ci) return format("%.1f", s.score);
  std::string out = format("%.1f (%.1f ± %.1f)", s.score, s.mean, s.ci);
  if (s.p_value) out += format(" p = %.4f", *s.p_value) + (*s.p_value < 0.05 ? "*" : "");
  return out;
}

nlohmann::ordered_json json_of(const ResampledScore& s, bool with_ci) {
  nlohmann::ordered_json j = {{"score", s.score}};
  if (with_ci) j["mean"] = s.mean, j["ci"] = s.ci;
  if (s.p_value) j["p_value"] = *s.p_value;
  return j;
}

}  // namespace

std::string compare_systems(const SystemComparisonRequest& request) {
  const auto& refs = request.refs;
  std::vector<SentenceStats> systems;
  for (const auto& path : request.hyp_paths) {
    const auto hyps = data::read_lines(path, data::LineEnds::kRaw);
    data::require_same_line_count(path, hyps.size(), request.ref_path, refs.size());
    systems.push_back(sentence_stats(hyps, refs));
  }
  if (request.paired_bs && systems.size() < 2)
    throw Error("--paired-bs compares systems: give --hyp at least twice (the first is the baseline)");
  std::vector<SystemComparison> results;
  if (request.paired_bs) {
    results = paired_bootstrap(systems, request.bootstrap);
  } else {
    for (const auto& s : systems) results.push_back(corpus_scores(s));
  }
  const bool ci = request.paired_bs;
  if (request.json) {
    nlohmann::ordered_json j = {{"bleu_signature", kBleuSignature}, {"chrf_signature", kChrfSignature}};
    if (ci) j["paired_bs"] = {{"samples", request.bootstrap.samples}, {"seed", request.bootstrap.seed}};
    j["systems"] = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < results.size(); ++i)
      j["systems"].push_back({{"hyp", request.hyp_paths[i]},
                              {"bleu", json_of(results[i].bleu, ci)},
                              {"chrf", json_of(results[i].chrf, ci)}});
    return j.dump() + "\n";
  }
  std::vector<std::string> names;
  for (std::size_t i = 0; i < request.hyp_paths.size(); ++i)
    names.push_back((i == 0 && ci ? "baseline: " : "") + request.hyp_paths[i]);
  std::size_t name_width = 6, bleu_width = ci ? 20 : 5;
  for (const auto& n : names) name_width = std::max(name_width, columns(n));
  for (const auto& r : results) bleu_width = std::max(bleu_width, columns(cell(r.bleu, ci)));
  std::string out;
  if (ci)
    out += "paired bootstrap resampling (sacreBLEU's --paired-bs): " + std::to_string(request.bootstrap.samples) +
           " resamples of the " + std::to_string(refs.size()) + " sentences, seed " +
           std::to_string(request.bootstrap.seed) + "\n";
  out += pad("system", name_width + 2) + pad(ci ? "BLEU (mean ± 95% CI)" : "BLEU", bleu_width + 2) +
         (ci ? "chrF2 (mean ± 95% CI)" : "chrF2") + "\n";
  for (std::size_t i = 0; i < results.size(); ++i)
    out += pad(names[i], name_width + 2) + pad(cell(results[i].bleu, ci), bleu_width + 2) +
           cell(results[i].chrf, ci) + "\n";
  if (ci) out += "p: the chance of a difference this large from the sentences drawn alone; * p < 0.05\n";
  out += std::string("BLEU|") + kBleuSignature + "\nchrF2|" + kChrfSignature + "\n";
  return out;
}

}  // namespace nmt
