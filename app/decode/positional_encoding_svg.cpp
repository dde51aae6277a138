#include "app/decode/positional_encoding_svg.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <cmath>

#include "models/positional_encoding.h"

namespace nmt {

std::string positional_encoding_svg(std::int64_t positions, std::int64_t dim, std::int64_t shown) {
  const auto table = models::sinusoidal_table(positions, dim).narrow(1, 0, std::min(shown, dim)).contiguous();
  const auto full_dim = dim;
  dim = table.size(1);
  const auto* values = table.data_ptr<float>();
  // Cells as small as the table is large, so any model's table fits a page.
  const double cell_w = std::clamp(720.0 / static_cast<double>(dim), 1.0, 12.0);
  const double cell_h = std::clamp(480.0 / static_cast<double>(positions), 2.0, 12.0);
  const double left = 70, top = 40;
  const double width = left + cell_w * static_cast<double>(dim) + 20;
  const double height = top + cell_h * static_cast<double>(positions) + 30;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{:.0f}\" height=\"{:.0f}\" font-family=\"sans-serif\" "
      "font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      "<text x=\"{:.0f}\" y=\"20\">encoding dimension (0 .. {} of {}) →</text>\n"
      "<text transform=\"translate(20,{:.0f}) rotate(-90)\" text-anchor=\"end\">← position (0 .. {})</text>\n",
      width, height, left, dim - 1, full_dim, top, positions - 1);
  for (std::int64_t p = 0; p < positions; ++p)
    for (std::int64_t d = 0; d < dim; ++d) {
      const float v = std::clamp(values[p * dim + d], -1.0f, 1.0f);
      const int fade = static_cast<int>(std::lround(255 * (1 - std::fabs(v))));
      const auto colour = v >= 0 ? fmt::format("#{:02x}{:02x}ff", fade, fade) : fmt::format("#ff{:02x}{:02x}", fade, fade);
      svg += fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n",
                         left + cell_w * static_cast<double>(d), top + cell_h * static_cast<double>(p), cell_w + 0.1,
                         cell_h + 0.1, colour);
    }
  svg += "</svg>\n";
  return svg;
}

}  // namespace nmt
