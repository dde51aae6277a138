#pragma once
// The widest vector instructions nmt's own kernels (decoding_attention.cpp,
// candidate ranking) may use here: what the CPU has, lowered as ATen's kernels
// are by ATEN_CPU_CAPABILITY (default, avx2, avx512), so that a run held to
// AVX2 to stand for an older CPU holds nmt's kernels there too.
namespace nmt::models {

enum class VectorIsa { generic, avx2, avx512 };

// Read once per process.
VectorIsa vector_isa();

}  // namespace nmt::models

// Compiles a function for AVX2 with FMA or AVX-512 (F, VL, BW, DQ).
#define NMT_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define NMT_TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
