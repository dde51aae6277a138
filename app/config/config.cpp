#include "app/config/config.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <map>

#include "app/config/config_schema.h"
#include "common/error.h"

namespace nmt {
namespace {

std::string where(const std::string& path, const YAML::Mark& mark) {
  return path + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

std::vector<std::string> keys_of(const std::vector<ConfigField>& fields, const std::string& prefix) {
  std::vector<std::string> keys;
  for (const auto& f : fields)
    if (f.key.compare(0, prefix.size(), prefix) == 0) keys.push_back(f.key.substr(prefix.size()));
  return keys;
}

std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best = closest_match(word, candidates);
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

// Sets one field from text; `location` says where the text came from.
void assign(std::vector<ConfigField>& fields, const std::string& key, const std::string& value,
            const std::string& location) {
  for (auto& f : fields) {
    if (f.key != key) continue;
    if (!f.assign(value))
      throw Error(location + ": " + key + ": expected " + f.expected + ", got '" + value + "'");
    return;
  }
  std::vector<std::string> all = keys_of(fields, "");
  throw Error(location + ": unknown key '" + key + "'" + suggestion(key, all));
}

const std::vector<std::string> kSections = {"data", "tokenizer", "model", "training", "decoding"};

// A map key as text. YAML allows a list or a map as a key ("? [a, b]: c"),
// which as<std::string>() would throw on (a crash found by fuzzing).
std::string key_text(const YAML::Node& key, const std::string& path) {
  if (!key.IsScalar()) throw Error(where(path, key.Mark()) + ": expected a plain name as key, got a list or map");
  return key.Scalar();
}

}  // namespace

Config load_config(const std::string& path) {
  std::ifstream probe(path);
  if (!probe) throw Error("cannot read config file '" + path + "'");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    throw Error(where(path, e.mark) + ": invalid YAML: " + e.msg);
  }
  Config config;
  if (root.IsNull()) return config;
  if (!root.IsMap()) throw Error(where(path, root.Mark()) + ": expected a map of sections");
  auto fields = config_fields(config);
  for (const auto& section : root) {
    const std::string name = key_text(section.first, path);
    const std::string at = where(path, section.first.Mark());
    if (std::find(kSections.begin(), kSections.end(), name) == kSections.end())
      throw Error(at + ": unknown section '" + name + "'" + suggestion(name, kSections));
    if (section.second.IsNull()) continue;
    if (!section.second.IsMap())
      throw Error(at + ": section '" + name + "' must be a map of key: value");
    for (const auto& entry : section.second) {
      const std::string key = key_text(entry.first, path);
      const std::string entry_at = where(path, entry.first.Mark());
      if (!entry.second.IsScalar())
        throw Error(where(path, entry.second.Mark()) + ": " + name + "." + key +
                    ": expected a single value, got a list or map");
      auto known = keys_of(fields, name + ".");
      if (std::find(known.begin(), known.end(), key) == known.end())
        throw Error(entry_at + ": unknown key '" + name + "." + key + "'" +
                    suggestion(key, known));
      assign(fields, name + "." + key, entry.second.Scalar(), where(path, entry.second.Mark()));
    }
  }
  return config;
}

void apply_overrides(Config& config, const std::vector<std::string>& overrides) {
  auto fields = config_fields(config);
  for (const auto& item : overrides) {
    const auto eq = item.find('=');
    if (eq == std::string::npos)
      throw Error("--set " + item + ": expected section.key=value");
    assign(fields, item.substr(0, eq), item.substr(eq + 1), "--set " + item);
  }
}

void validate_for_training(const Config& c) {
  if (c.data.train.empty()) throw Error("config: data.train must name the training files' prefix");
  if (c.data.valid.empty()) throw Error("config: data.valid must name the validation files' prefix");
  if (c.tokenizer.prefix.empty()) throw Error("config: tokenizer.prefix must be set");
  if (c.data.src_lang.empty() || c.data.tgt_lang.empty() || c.data.src_lang == c.data.tgt_lang)
    throw Error("config: data.src_lang and data.tgt_lang must be set and differ");
  if (c.training.scheduler == "linear" && c.training.max_steps <= 0 && c.training.time_budget_minutes <= 0)
    throw Error("config: training.scheduler linear decays to the end of the run: set training.max_steps or "
                "training.time_budget_minutes");
  const auto& t = c.training;
  if (t.late_dropout != -1 && t.late_dropout < 0)
    throw Error("config: training.late_dropout must be -1 (off) or a rate in [0, 0.99], got " +
                std::to_string(t.late_dropout));
  if (t.late_dropout >= 0 && t.max_steps <= 0 && t.time_budget_minutes <= 0)
    throw Error("config: training.late_dropout starts after a share of the run: set training.max_steps or "
                "training.time_budget_minutes");
}

std::string to_yaml(const Config& config) {
  Config copy = config;
  auto fields = config_fields(copy);
  YAML::Emitter out;
  out << YAML::BeginMap;
  std::string open;
  for (const auto& f : fields) {
    const std::string section = f.key.substr(0, f.key.find('.'));
    if (section != open) {
      if (!open.empty()) out << YAML::EndMap;
      out << YAML::Key << section << YAML::Value << YAML::BeginMap;
      open = section;
    }
    out << YAML::Key << f.key.substr(section.size() + 1) << YAML::Value;
    if (f.quoted)
      out << YAML::DoubleQuoted << f.show();
    else
      out << f.show();
  }
  out << YAML::EndMap << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace nmt
