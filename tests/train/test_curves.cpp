// curves.svg: drawn from metrics.jsonl, robust to a line cut short by a kill.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <regex>

#include "app/train/curves.h"
#include "helpers.h"

using Catch::Matchers::Contains;

namespace {

int polyline_points(const std::string& svg, const std::string& color) {
  const std::regex line("stroke=\"" + color + "\" stroke-width=\"2\" points=\"([^\"]*)\"");
  std::smatch m;
  if (!std::regex_search(svg, m, line)) return 0;
  const std::string points = m[1];
  return static_cast<int>(std::count(points.begin(), points.end(), ','));
}

}  // namespace

TEST_CASE("training curves are drawn from metrics.jsonl, one point per validation", "[curves]") {
  const auto dir = nmt::test::scratch_dir("curves");
  const auto metrics = (dir / "metrics.jsonl").string();
  nmt::test::write_file(metrics,
                        "{\"step\":250,\"valid_ppl\":50.0,\"valid_bleu\":5.0,\"train_seconds\":300,\"train_loss\":5.5}\n"
                        "{\"step\":500,\"valid_ppl\":20.0,\"valid_bleu\":15.0,\"train_seconds\":600}\n"
                        "{\"step\":750,\"valid_ppl\":10.0,\"valid_bleu\":25.0,\"train_seconds\":900,\"train_loss\":3.1}\n"
                        "{\"step\":10");  // cut short by a kill
  const auto points = nmt::read_curve_points(metrics);
  REQUIRE(points.size() == 3);
  CHECK(points[1].train_loss < 0);  // before the key existed
  CHECK(points[2].minutes == Approx(15));
  nmt::write_curves(metrics, (dir / "curves.svg").string(), "gru, de→en <test>");
  const auto svg = nmt::test::read_file(dir / "curves.svg");
  CHECK_THAT(svg, Contains("<svg") && Contains("</svg>") && Contains("gru, de→en &lt;test&gt;"));
  CHECK(polyline_points(svg, "#2ca02c") == 3);  // BLEU
  CHECK(polyline_points(svg, "#d62728") == 3);  // validation cross-entropy
  CHECK(polyline_points(svg, "#1f77b4") == 2);  // training loss where it was recorded
  CHECK_THAT(svg, Contains(">8.0 min<"));  // step 400, between 5 min (250) and 10 (500)

  // A resumed run that validates a step again replaces the later points.
  std::ofstream(metrics, std::ios::app) << "\n{\"step\":500,\"valid_ppl\":19.0,\"valid_bleu\":16.0,\"train_seconds\":610}\n";
  const auto resumed = nmt::read_curve_points(metrics);
  REQUIRE(resumed.size() == 2);
  CHECK(resumed.back().valid_bleu == 16.0);
}
