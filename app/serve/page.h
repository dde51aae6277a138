#pragma once
// The web page served at GET /: one self-contained HTML file (styles and
// script inline, nothing from the network), compiled into the binary from
// app/serve/page/index.html.
#include <string_view>

namespace nmt::serve {

std::string_view page_html();

}  // namespace nmt::serve
