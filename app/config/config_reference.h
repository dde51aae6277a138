#pragma once
// docs/configuration.md, generated from the config schema (a test checks
// that the file in the repository is this text; scripts/update_docs.sh
// writes it).
#include <string>

namespace nmt {

std::string configuration_reference();

}  // namespace nmt
