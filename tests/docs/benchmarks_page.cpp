#include "docs/benchmarks_page.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

namespace nmt::test {
namespace {

using nlohmann::json;

std::vector<json> read_results(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::vector<json> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    try {
      rows.push_back(json::parse(line));
    } catch (const json::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": not a JSON object: " + e.what());
    }
    if (!rows.back().is_object()) throw std::runtime_error(path + ":" + std::to_string(number) + ": not a JSON object");
  }
  return rows;
}

std::string fixed1(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// A BLEU or chrF cell over the runs of one system: the value, or for several
// seeds their mean and range.
std::string score_cell(const std::vector<json>& runs, const std::string& key) {
  std::vector<double> v;
  for (const auto& r : runs)
    if (r.contains(key)) v.push_back(r[key].get<double>());
  if (v.empty()) return "";
  // One value among several runs: say it is one.
  if (v.size() == 1) return runs.size() == 1 ? fixed1(v[0]) : fixed1(v[0]) + " (1)";
  double sum = 0;
  for (double x : v) sum += x;
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  return fixed1(sum / v.size()) + " (" + fixed1(*lo) + "–" + fixed1(*hi) + ", " + std::to_string(v.size()) + ")";
}

// The distinct values of a text field over several runs, in order.
std::string distinct(const std::vector<json>& runs, const std::string& key, const std::string& sep) {
  std::vector<std::string> seen;
  for (const auto& r : runs) {
    if (!r.contains(key)) continue;
    const auto s = r[key].is_string() ? r[key].get<std::string>() : r[key].dump();
    if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
  }
  std::string out;
  for (const auto& s : seen) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string code_list(const std::vector<json>& runs, const std::string& key) {
  const auto s = distinct(runs, key, "`, `");
  return s.empty() ? "" : "`" + s + "`";
}

std::string number_cell(const json& row, const std::string& key) {
  return row.contains(key) ? row[key].dump() : "";
}

// Groups rows by the values of `keys`, in order of first appearance.
std::vector<std::vector<json>> group_by(const std::vector<json>& rows, const std::vector<std::string>& keys) {
  std::vector<std::vector<json>> groups;
  std::map<std::string, size_t> index;
  for (const auto& r : rows) {
    std::string id;
    for (const auto& k : keys) id += r.value(k, std::string()) + "\x1f";
    auto [it, added] = index.emplace(id, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(r);
  }
  return groups;
}

std::string quality_table(const std::vector<json>& corpus) {
  std::string out =
      "| system | parameters | updates | minutes | valid greedy | valid beam 5 | test greedy | test beam 5 | "
      "test chrF2 (beam 5) | CPU | commit | command |\n"
      "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n";
  for (const auto& runs : group_by(corpus, {"system"})) {
    out += "| " + runs.front()["system"].get<std::string>() + " | " + distinct(runs, "params", ", ") + " | " +
           distinct(runs, "updates", ", ") + " | " + distinct(runs, "minutes", ", ") + " | " +
           score_cell(runs, "valid_greedy") + " | " + score_cell(runs, "valid_beam5") + " | " +
           score_cell(runs, "test_greedy") + " | **" + score_cell(runs, "test_beam5") + "** | " +
           score_cell(runs, "test_chrf2") + " | " + distinct(runs, "cpu", ", ") + " | " + code_list(runs, "commit") +
           " | " + code_list(runs, "command") + " |\n";
  }
  std::string notes;
  for (const auto& r : corpus)
    if (r.contains("note")) notes += "- " + r["system"].get<std::string>() + ": " + r["note"].get<std::string>() + "\n";
  return notes.empty() ? out : out + "\n" + notes;
}

std::string speed_table(const std::vector<json>& rows) {
  std::string out =
      "| model | kernels | precision | training tok/s | greedy batched | greedy one at a time | beam 5 batched | "
      "beam 5 one at a time | peak MiB | commit |\n"
      "|---|---|---|---:|---:|---:|---:|---:|---:|---|\n";
  for (const auto& r : rows) {
    out += "| " + r.value("model", std::string()) + " | " + r.value("kernels", std::string()) + " | " +
           r.value("precision", std::string()) + " | " + number_cell(r, "train_tok_s") + " | " +
           number_cell(r, "greedy_batched") + " | " + number_cell(r, "greedy_single") + " | " +
           number_cell(r, "beam5_batched") + " | " + number_cell(r, "beam5_single") + " | " +
           number_cell(r, "peak_rss_mib") + " | " + code_list({r}, "commit") + " |\n";
  }
  return out + "\nCommands: " + code_list(rows, "command") + ".\n";
}

std::string quality_section(const std::vector<json>& rows) {
  std::string out =
      "## Translation quality\n"
      "sacreBLEU 2.6.0's default BLEU and chrF2 on detokenized, mixed-case output, as `nmt-evaluate` prints "
      "them (signatures `BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0` and "
      "`chrF2|nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0`). Test sets: Multi30k test2016 "
      "(1000 sentences), Tatoeba's held-out 1777 (de) and 1749 (fr) sentences, the built-in corpus's 500. "
      "Each model's weights are the ones validation chose (greedy BLEU on valid); nothing is chosen on test. "
      "Decoding in bf16 where the CPU has it (`precision: auto`); int8, which the Multi30k recipes now decode "
      "in where the CPU has VNNI or AMX (`fastest`), is within 0.2 BLEU of it "
      "([performance.md](performance.md#int8-decoding)). "
      "Where several seeds were run a cell holds the mean, the range and the count of runs.\n";
  for (const auto& corpus : group_by(rows, {"corpus"}))
    out += "\n### " + corpus.front()["corpus"].get<std::string>() + "\n" + quality_table(corpus);
  return out;
}

std::string speed_section(const std::vector<json>& rows) {
  std::string out =
      "\n## Speed and memory\n"
      "Training: target tokens/s on the config's own batches. Decoding: sentences/s of the test set "
      "(test2016 for Multi30k, the generated test set for the quick start) in batches of 64, and of its first "
      "sentences one at a time (30 to 100: the command says). Two cores, two LibTorch threads. "
      "\"AVX2 only\" is the same machine held to AVX2 (`ONEDNN_MAX_CPU_ISA=AVX2 ATEN_CPU_CAPABILITY=avx2 "
      "OPENBLAS_CORETYPE=Haswell`), what a CPU without AVX-512 does; "
      "[performance.md](performance.md) says which precision to use on which CPU.\n";
  for (const auto& cpu : group_by(rows, {"cpu"}))
    out += "\n### " + cpu.front()["cpu"].get<std::string>() + "\n" + speed_table(cpu);
  return out;
}

struct Results {
  std::vector<json> quality, speed;
};

Results read_all(const std::string& results_dir) {
  Results r{read_results(results_dir + "/quality.jsonl"), read_results(results_dir + "/speed.jsonl")};
  for (const auto* rows : {&r.quality, &r.speed})
    for (const auto& row : *rows)
      if (!row.contains("commit") || !row.contains("cpu") || !row.contains("command"))
        throw std::runtime_error(results_dir + ": a result without its commit, cpu or command: " + row.dump());
  return r;
}

}  // namespace

std::string benchmarks_page(const std::string& results_dir) {
  const auto r = read_all(results_dir);
  return "# Benchmarks\n"
         "<!-- Generated from docs/results/*.jsonl by scripts/update_docs.sh; a test fails when it is stale. -->\n\n"
         "Every result of nmt's recipes that users compare, each with the CPU it ran on, the commit and the "
         "command; other pages link here rather than repeat a figure. The figures live in `docs/results/` "
         "(`quality.jsonl`, `speed.jsonl`: one measurement a line); a new measurement is a new line there, "
         "then `scripts/update_docs.sh`. All runs: Debian 12, LibTorch 1.13.1, 2 CPU cores.\n\n" +
         quality_section(r.quality) + speed_section(r.speed);
}

std::string results_block(const std::string& results_dir, const std::string& group) {
  const auto r = read_all(results_dir);
  std::vector<json> quality, speed;
  for (const auto& row : r.quality)
    if (row.value("corpus", std::string()) == group) quality.push_back(row);
  for (const auto& row : r.speed)
    if (row.value("group", std::string()) == group) speed.push_back(row);
  if (quality.empty()) throw std::runtime_error(results_dir + ": no results of \"" + group + "\"");
  return quality_table(quality) + (speed.empty() ? "" : "\n" + speed_table(speed));
}

std::string with_results_block(const std::string& page, const std::string& group, const std::string& block) {
  const std::string begin = "<!-- results: " + group + " (generated from docs/results by scripts/update_docs.sh) -->\n";
  const std::string end = "<!-- end of results -->\n";
  const auto b = page.find(begin);
  const auto e = b == std::string::npos ? std::string::npos : page.find(end, b);
  if (e == std::string::npos) throw std::runtime_error("the page has no block \"" + begin + "\" ... \"" + end + "\"");
  return page.substr(0, b + begin.size()) + block + page.substr(e);
}

}  // namespace nmt::test
