#include "app/config/config_reference.h"

#include <sstream>

#include "app/config/config_schema.h"

namespace nmt {
namespace {

// Markdown table cells: a '|' would end the cell.
std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

}  // namespace

std::string configuration_reference() {
  Config defaults;
  std::ostringstream out;
  out << "# Configuration\n"
         "<!-- Generated from app/config/config_schema.cpp by scripts/update_docs.sh; "
         "a test fails when it is stale. -->\n\n"
         "One YAML file per experiment, with the sections below; a key left out takes its default. "
         "`--set section.key=value` overrides any key on the command line (`nmt-prepare`, "
         "`nmt-train`, `nmt-benchmark`; `decoding.*` also in `nmt-translate`, `nmt-evaluate`, "
         "`nmt-serve`). The resolved config, every key, is written to the model directory's "
         "`config.yaml`. An unknown key, a wrong type or a value out of range is an error naming the "
         "file, line and key, with the closest known key when there is one.\n";
  std::string section;
  for (const auto& f : config_fields(defaults)) {
    const auto name = f.key.substr(0, f.key.find('.'));
    if (name != section) {
      section = name;
      out << "\n## " << section << "\n| key | default | accepts | meaning |\n|---|---|---|---|\n";
    }
    const auto value = f.show();
    out << "| `" << f.key.substr(section.size() + 1) << "` | " << (value.empty() ? "(none)" : "`" + cell(value) + "`")
        << " | " << cell(f.expected) << " | " << cell(f.doc) << " |\n";
  }
  return out.str();
}

}  // namespace nmt
