#pragma once
// The one description of every config field: its dotted key, what it means,
// what values it accepts, how to parse one into the struct and how to print it back.
#include <functional>
#include <string>
#include <vector>

#include "app/config/config.h"

namespace nmt {

struct ConfigField {
  std::string key;       // "training.learning_rate"
  std::string doc;       // what it means, for docs/configuration.md
  std::string expected;  // "a number in [0, 1]"
  std::function<bool(const std::string&)> assign;  // false when the text is not acceptable
  std::function<std::string()> show;
  bool quoted = false;  // strings are written quoted in YAML
};

// The fields of `config`, bound to its members.
std::vector<ConfigField> config_fields(Config& config);

// Closest of `candidates` to `word` by edit distance, or "" when none is close.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace nmt
