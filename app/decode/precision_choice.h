#pragma once
// The precision of the matrix products on this CPU, chosen from a config value
// (training.precision or decoding.precision) and logged. Here, in the layer
// that training, translating, serving and the benchmark all use.
#include <string>

namespace nmt {

// "auto" becomes bf16 where the CPU multiplies bf16 natively (AVX512-BF16 or
// AMX, as oneDNN sees it: ONEDNN_MAX_CPU_ISA lowers it) and fp32 elsewhere;
// "fp32", "bf16" and "int8" stay. Logs the CPU and the choice. An explicit bf16
// on a CPU without native bf16 gets a warning (emulated, slower), and below
// AVX-512, where oneDNN has no bf16 product at all, LibTorch runs them with its
// own kernels instead of failing. `key` names the option in the log.
std::string choose_precision(const std::string& value, const std::string& key);

}  // namespace nmt
