#pragma once
// nmt-evaluate with several --hyp files: a table of their scores, and with
// --paired-bs each one's 95% confidence interval and p-value against the first.
#include <string>
#include <vector>

#include "app/metrics/paired_bootstrap.h"

namespace nmt {

struct SystemComparisonRequest {
  std::vector<std::string> hyp_paths;  // the first is the baseline
  std::string ref_path;            // named in errors
  std::vector<std::string> refs;   // its lines, as nmt-evaluate read them
  bool paired_bs = false;
  BootstrapOptions bootstrap;
  bool json = false;
};

// Scores the files against the references and returns the report for stdout.
std::string compare_systems(const SystemComparisonRequest& request);

}  // namespace nmt
