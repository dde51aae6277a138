#pragma once
// How the process uses the machine: LibTorch's threads, the allocator, the device.
#include <string>

namespace nmt {

// The malloc this process uses: "tcmalloc" when the build linked it (the
// default where Debian's libtcmalloc-minimal4 is installed; docs/performance.md
// has its figures), else "glibc malloc". For logs and benchmark records.
std::string memory_allocator();

// Keeps freed memory in the heap instead of returning it to the kernel (see
// runtime.cpp for the measurement). Call once, before the first tensor.
void keep_freed_memory();

// Returns the heap's free memory to the kernel now: after work whose memory
// is not needed again (data preparation), so that what the process holds
// while training does not depend on what came before it. tcmalloc keeps freed
// pages otherwise; glibc's malloc is trimmed.
void release_freed_memory();

// Caps ideep's per-thread cache of bf16 products (see runtime.cpp for the
// measurement). Call once, before the first tensor.
void limit_ideep_cache();

// How the BLAS that runs the fp32 matrix products uses threads: OpenBLAS's
// own pthreads, or LibTorch's OpenMP pool (OpenBLAS's OpenMP build).
enum class BlasThreading { unknown, sequential, own_threads, openmp };
BlasThreading blas_threading();

// Uses `threads` LibTorch intra-op threads (0 = auto: what was fastest for
// where the matrix products run: oneDNN, on LibTorch's own threads, for bf16
// training and all decoding; the system BLAS for fp32 training) and logs the choice.
void setup_threads(int threads, bool onednn_products = false);

// How LibTorch's OpenMP threads wait for work, for the log: the user's
// OMP_WAIT_POLICY or GOMP_SPINCOUNT, else nmt's short spin (see
// app/cli/openmp_wait_policy.cpp), else libgomp's default.
std::string openmp_wait_policy();

// OpenBLAS's own thread count (it runs the fp32 matrix products); false when
// the BLAS in use is not OpenBLAS. Several processes on one machine share its
// cores this way instead of each taking all of them.
bool set_blas_threads(int threads);

// How many oneDNN primitives (a compiled bf16 matrix product per shape, with
// its scratch memory) stay cached; false when oneDNN is not loaded. Training
// batches come in many shapes, and with oneDNN's default of 1024 the cache held
// gigabytes (see runtime.cpp); decoding's few shapes repeat every step.
bool set_onednn_cache_capacity(int primitives);
constexpr int kTrainingPrimitives = 0, kDecodingPrimitives = 1024;  // 1024: oneDNN's default

// "auto" picks CUDA when LibTorch has it, else the CPU; "cuda" without a
// device is an error that names `key` (the option the value came from).
std::string resolve_device(const std::string& device, const std::string& key = "training.device");

// Peak resident memory of this process so far (VmHWM), in MiB.
double peak_rss_mib();

// Anonymous resident memory now (RssAnon: heap and tensors, not mapped
// files), in MiB: what a corpus larger than memory must not grow.
double anonymous_rss_mib();

}  // namespace nmt
