#include "app/decode/precision_choice.h"

#include "models/cpu_features.h"
#include "models/precision.h"

#include <ATen/Context.h>
#include <spdlog/spdlog.h>

namespace nmt {

std::string choose_precision(const std::string& value, const std::string& key) {
  const auto& cpu = models::cpu_features();
  const auto chosen = models::precision_name(models::parse_precision(value));
  if (value == "auto" || value == "fastest")
    spdlog::info("{}: {} -> {} on {}", key, value, chosen, models::describe(cpu));
  else
    spdlog::info("{}: {} on {}", key, chosen, models::describe(cpu));
  if (chosen == "bf16" && !cpu.native_bf16) {
    spdlog::warn("{}: bf16 on a CPU without native bf16 (AVX512-BF16 or AMX) is emulated and slower than fp32; "
                 "`auto` would choose fp32",
                 key);
    // LibTorch asks CPUID, not oneDNN's effective ISA, whether oneDNN can
    // multiply bf16; below AVX-512 oneDNN cannot, and the product would fail
    // with "could not create a primitive descriptor iterator".
    if (!cpu.avx512) at::globalContext().setUserEnabledMkldnn(false);
  }
  return chosen;
}

}  // namespace nmt
