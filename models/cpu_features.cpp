#include "models/cpu_features.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <cstdio>
#include <fstream>
#include <utility>

namespace nmt::models {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    const auto start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "unknown CPU" : line.substr(start);
  }
  return "unknown CPU";
}

// oneDNN's ISA values are bit sets: each level holds the bits of those below
// it, so a feature is present when all its level's bits are.
bool has(dnnl::cpu_isa isa, dnnl::cpu_isa level) {
  const auto bits = static_cast<unsigned>(level);
  return (static_cast<unsigned>(isa) & bits) == bits;
}

std::string isa_name(dnnl::cpu_isa isa) {
  using I = dnnl::cpu_isa;
  const std::pair<I, const char*> names[] = {
      {I::avx512_core_amx, "avx512_core_amx"}, {I::avx512_core_bf16, "avx512_core_bf16"},
      {I::avx512_core_vnni, "avx512_core_vnni"}, {I::avx512_core, "avx512_core"},
      {I::avx2_vnni, "avx2_vnni"}, {I::avx2, "avx2"}, {I::avx, "avx"}, {I::sse41, "sse41"}};
  for (const auto& [level, name] : names)
    if (isa == level) return name;
  return "oneDNN ISA 0x" + [&] {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%x", static_cast<unsigned>(isa));
    return std::string(buffer);
  }();
}

CpuFeatures read_features() {
  using I = dnnl::cpu_isa;
  CpuFeatures out;
  out.model = cpu_model();
  const auto isa = dnnl::get_effective_cpu_isa();
  out.isa = isa_name(isa);
  out.avx512 = has(isa, I::avx512_core);
  out.amx = has(isa, I::avx512_core_amx);
  out.native_bf16 = has(isa, I::avx512_core_bf16) || out.amx;
  out.vnni = has(isa, I::avx512_core_vnni) || has(isa, I::avx2_vnni) || out.amx;
  return out;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = read_features();
  return features;
}

std::string describe(const CpuFeatures& cpu) {
  const auto yes = [](bool b) { return b ? "yes" : "no"; };
  return cpu.model + ", oneDNN ISA " + cpu.isa + " (AVX512-BF16 " + yes(cpu.native_bf16) + ", AMX " + yes(cpu.amx) +
         ", VNNI " + yes(cpu.vnni) + ")";
}

}  // namespace nmt::models
