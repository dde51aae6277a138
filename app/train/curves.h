#pragma once
// Training curves as one SVG (curves.svg in the model directory): training
// loss and validation cross-entropy, and validation BLEU, against steps,
// with the training minutes under the step axis. Drawn from metrics.jsonl
// after every validation, so a resumed run's curve continues.
#include <string>
#include <vector>

namespace nmt {

struct CurvePoint {
  double step = 0;
  double minutes = 0;      // training time, validation included
  double train_loss = -1;  // mean label-smoothed loss since the last validation; < 0: unknown
  double valid_ppl = 0;
  double valid_bleu = 0;
};

// The points of a metrics.jsonl file (lines that are not JSON objects with
// a step are skipped: a line cut short by a kill must not stop training).
std::vector<CurvePoint> read_curve_points(const std::string& metrics_path);

std::string curves_svg(const std::vector<CurvePoint>& points, const std::string& title);

// Reads `metrics_path` and replaces `svg_path` atomically.
void write_curves(const std::string& metrics_path, const std::string& svg_path, const std::string& title);

}  // namespace nmt
