// Every relative link in README.md, CHANGELOG.md and docs/ leads somewhere:
// the file exists, and a #fragment names a heading (or an <a id>) of it. Pages
// move (recipes to experiments, figures to benchmarks.md); links must follow.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "helpers.h"

namespace fs = std::filesystem;

namespace {

// GitHub's anchor for a heading: lower case, spaces to hyphens, punctuation
// dropped. Characters of U+2000-U+2BFF (dashes, arrows, math signs) count as
// punctuation; other non-ASCII letters are kept.
std::string slug(const std::string& heading) {
  std::string out;
  for (size_t i = 0; i < heading.size(); ++i) {
    const auto c = static_cast<unsigned char>(heading[i]);
    if (c == 0xE2 && i + 2 < heading.size()) { i += 2; continue; }
    if (c >= 0x80 || std::isalnum(c) || c == '_' || c == '-') out += static_cast<char>(c >= 0x80 ? c : std::tolower(c));
    else if (c == ' ') out += '-';
  }
  return out;
}

std::set<std::string> anchors_of(const std::string& text) {
  std::set<std::string> anchors;
  static const std::regex id("<a id=\"([^\"]+)\"");
  std::istringstream lines(text);
  bool in_code = false;  // a "# comment" inside a fenced block is not a heading
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) in_code = !in_code;
    const auto hashes = line.find_first_not_of('#');
    if (in_code || hashes == 0 || hashes == std::string::npos || line[hashes] != ' ') continue;
    anchors.insert(slug(line.substr(hashes + 1)));
  }
  for (std::sregex_iterator it(text.begin(), text.end(), id), end; it != end; ++it) anchors.insert((*it)[1].str());
  return anchors;
}

std::vector<fs::path> pages() {
  const fs::path root(NMT_SOURCE_DIR);
  std::vector<fs::path> out{root / "README.md", root / "CHANGELOG.md"};
  for (const auto& e : fs::recursive_directory_iterator(root / "docs"))
    if (e.path().extension() == ".md") out.push_back(e.path());
  return out;
}

}  // namespace

TEST_CASE("the slug of a heading is GitHub's anchor", "[docs]") {
  CHECK(slug("Precision and the CPU") == "precision-and-the-cpu");
  CHECK(slug("1. The files") == "1-the-files");
  CHECK(slug("Speed and memory (`scripts/benchmark.sh`, 2 cores)") == "speed-and-memory-scriptsbenchmarksh-2-cores");
  CHECK(slug("Multi30k de→en") == "multi30k-deen");
}

TEST_CASE("every relative link of the documentation leads to a file and a heading", "[docs]") {
  static const std::regex link(R"(\]\(([^)\s]+)\))");
  for (const auto& page : pages()) {
    const auto text = nmt::test::read_file(page);
    for (std::sregex_iterator it(text.begin(), text.end(), link), end; it != end; ++it) {
      const auto target = (*it)[1].str();
      if (target.rfind("http", 0) == 0 || target.rfind("mailto:", 0) == 0) continue;
      const auto hash = target.find('#');
      const auto file = target.substr(0, hash);
      const auto path = file.empty() ? page : (page.parent_path() / file).lexically_normal();
      INFO(page.string() << " links to " << target);
      REQUIRE(fs::exists(path));
      if (hash != std::string::npos && path.extension() == ".md")
        CHECK(anchors_of(nmt::test::read_file(path)).count(target.substr(hash + 1)) == 1);
    }
  }
}
