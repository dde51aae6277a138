#pragma once
// What this CPU can multiply fast, as oneDNN (the library that runs nmt's bf16
// and int8 products) sees it. oneDNN's effective ISA, not CPUID: the
// ONEDNN_MAX_CPU_ISA variable lowers both it and the kernels, so
// `ONEDNN_MAX_CPU_ISA=AVX2` makes nmt choose, and run, as on an AVX2-only CPU.
#include <string>

namespace nmt::models {

struct CpuFeatures {
  std::string model;      // /proc/cpuinfo's "model name", or "unknown CPU"
  std::string isa;        // oneDNN's effective ISA, e.g. "avx512_core_bf16", "avx2"
  bool avx512 = false;    // AVX-512 (oneDNN's avx512_core): bf16 can be emulated there
  bool native_bf16 = false;  // AVX512-BF16 or AMX: bf16 products faster than fp32
  bool amx = false;       // AMX tiles (bf16 and int8)
  bool vnni = false;      // VNNI int8 dot products (AVX-512 or AVX2 VNNI), or AMX
};

// Read once per process.
const CpuFeatures& cpu_features();

// One line for logs and --version, e.g.
// "AMD EPYC, oneDNN ISA avx512_core_bf16 (AVX512-BF16 yes, AMX no, VNNI yes)".
std::string describe(const CpuFeatures& cpu);

}  // namespace nmt::models
