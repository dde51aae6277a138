#include "app/train/curves.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "app/decode/heatmap.h"
#include "data/text_file.h"

namespace nmt {
namespace {

constexpr int kPanelWidth = 360, kPanelHeight = 220, kLeft = 50, kTop = 40, kBottom = 50, kGap = 40;

struct Range {
  double lo, hi;
  double at(double v, double from, double to) const { return from + (v - lo) / (hi - lo) * (to - from); }
};

// About `n` round tick values within [lo, hi].
std::vector<double> ticks(Range r, int n) {
  const double raw = (r.hi - r.lo) / n;
  const double magnitude = std::pow(10, std::floor(std::log10(raw)));
  double step = magnitude;  // the round spacing (1, 2, 5 times a power of ten) nearest to `raw`
  for (double m : {2.0, 5.0, 10.0})
    if (std::fabs(std::log(magnitude * m / raw)) < std::fabs(std::log(step / raw))) step = magnitude * m;
  std::vector<double> out;
  for (double v = std::ceil(r.lo / step) * step; v <= r.hi + 1e-9; v += step) out.push_back(v);
  return out;
}

// `v` with as many decimals as the spacing `step` of its axis needs.
std::string number(double v, double step) {
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, std::fabs(v) < 1e-9 * step ? 0.0 : v);
  return buf;
}

double spacing(const std::vector<double>& ticks) { return ticks.size() > 1 ? ticks[1] - ticks[0] : 1; }

Range padded(double lo, double hi) {
  if (hi - lo < 1e-9) return {lo - 1, hi + 1};
  const double pad = 0.05 * (hi - lo);
  return {lo - pad, hi + pad};
}

// Training minutes at `step`, interpolated between validations.
double minutes_at(const std::vector<CurvePoint>& points, double step) {
  double prev_step = 0, prev_minutes = 0;
  for (const auto& p : points) {
    if (p.step >= step)
      return prev_minutes + (p.minutes - prev_minutes) * (step - prev_step) / std::max(1e-9, p.step - prev_step);
    prev_step = p.step, prev_minutes = p.minutes;
  }
  return prev_minutes;
}

struct Series {
  std::string name, color;
  std::vector<std::pair<double, double>> xy;  // step, value
};

// One panel at horizontal offset `x0`: axes, ticks, the series and a legend,
// top right for falling curves, bottom right for rising ones (where they are not).
std::string panel(int x0, const std::string& label, const std::vector<Series>& series, Range steps,
                  const std::vector<CurvePoint>& points, bool legend_below) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& s : series)
    for (const auto& [x, y] : s.xy) lo = std::min(lo, y), hi = std::max(hi, y);
  if (!std::isfinite(lo)) lo = 0, hi = 1;
  const Range values = padded(lo, hi);
  const int left = x0 + kLeft, right = left + kPanelWidth, top = kTop, bottom = kTop + kPanelHeight;
  std::string svg;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n"
                "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>\n",
                left, top, kPanelWidth, kPanelHeight, left, top - 8, label.c_str());
  svg += buf;
  const auto value_ticks = ticks(values, 5);
  for (double v : value_ticks) {
    const double y = values.at(v, bottom, top);
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                  "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                  left, y, right, y, left - 4, y + 4, number(v, spacing(value_ticks)).c_str());
    svg += buf;
  }
  const auto step_ticks = ticks(steps, 4);
  for (double v : step_ticks) {
    const double x = steps.at(v, left, right);
    std::snprintf(buf, sizeof buf,
                  "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>"
                  "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#777\">%s min</text>\n",
                  x, top, x, bottom, x, bottom + 16, number(v, spacing(step_ticks)).c_str(), x, bottom + 30,
                  number(minutes_at(points, v), 0.1).c_str());
    svg += buf;
  }
  std::snprintf(buf, sizeof buf, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">step (training minutes)</text>\n",
                (left + right) / 2, bottom + 46);
  svg += buf;
  const int legends = static_cast<int>(series.size());
  for (int legend = 0; legend < legends; ++legend) {
    const auto& s = series[legend];
    std::string path;
    for (const auto& [x, y] : s.xy) {
      std::snprintf(buf, sizeof buf, "%.1f,%.1f ", steps.at(x, left, right), values.at(y, bottom, top));
      path += buf;
    }
    const int legend_y = legend_below ? bottom - 8 - 16 * (legends - 1 - legend) : top + 16 + 16 * legend;
    std::snprintf(buf, sizeof buf,
                  "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n"
                  "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"%s\">%s</text>\n",
                  s.color.c_str(), path.c_str(), right - 6, legend_y, s.color.c_str(), s.name.c_str());
    svg += buf;
  }
  return svg;
}

}  // namespace

std::vector<CurvePoint> read_curve_points(const std::string& metrics_path) {
  std::vector<CurvePoint> points;
  std::ifstream in(metrics_path);
  for (std::string line; std::getline(in, line);) {
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object() || !j.contains("step")) continue;
    CurvePoint p;
    p.step = j.value("step", 0.0);
    p.minutes = j.value("train_seconds", 0.0) / 60;
    p.train_loss = j.value("train_loss", -1.0);
    p.valid_ppl = j.value("valid_ppl", 0.0);
    p.valid_bleu = j.value("valid_bleu", 0.0);
    // A resumed run repeats no step; a run restarted from a checkpoint
    // before the last validation replaces the later points.
    while (!points.empty() && points.back().step >= p.step) points.pop_back();
    points.push_back(p);
  }
  return points;
}

std::string curves_svg(const std::vector<CurvePoint>& points, const std::string& title) {
  const Range steps = padded(0, points.empty() ? 1 : points.back().step);
  Series train{"training loss", "#1f77b4", {}}, valid{"validation cross-entropy", "#d62728", {}},
      bleu{"validation BLEU (greedy)", "#2ca02c", {}};
  for (const auto& p : points) {
    if (p.train_loss >= 0) train.xy.emplace_back(p.step, p.train_loss);
    if (p.valid_ppl > 0) valid.xy.emplace_back(p.step, std::log(p.valid_ppl));
    bleu.xy.emplace_back(p.step, p.valid_bleu);
  }
  const int width = 2 * (kLeft + kPanelWidth) + kGap + 30, height = kTop + kPanelHeight + kBottom + 10;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
                "<text x=\"%d\" y=\"14\" font-size=\"13\">%s</text>\n",
                width, height, kLeft, escape_xml(title).c_str());
  std::string svg = buf;
  svg += panel(0, "loss (nats per token)", {train, valid}, steps, points, false);
  svg += panel(kLeft + kPanelWidth + kGap, "BLEU", {bleu}, steps, points, true);
  return svg + "</svg>\n";
}

void write_curves(const std::string& metrics_path, const std::string& svg_path, const std::string& title) {
  data::write_file_atomically(svg_path, curves_svg(read_curve_points(metrics_path), title));
}

}  // namespace nmt
