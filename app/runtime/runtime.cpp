#include "app/runtime/runtime.h"

#include <spdlog/spdlog.h>
#include <torch/cuda.h>
#include <torch/utils.h>

#include <dlfcn.h>
#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "common/error.h"

namespace nmt {

std::string memory_allocator() {
  // tcmalloc's malloc is its tc_malloc under another name; when the build
  // links it (CMakeLists.txt), the executable's malloc resolves to it.
  const void* malloc_in_use = dlsym(RTLD_DEFAULT, "malloc");
  const void* tc_malloc = dlsym(RTLD_DEFAULT, "tc_malloc");
  return tc_malloc && malloc_in_use == tc_malloc ? "tcmalloc" : "glibc malloc";
}

void keep_freed_memory() {
  // (glibc's settings; with tcmalloc mallopt does nothing.)
  // LibTorch allocates and frees tensors of tens of MB at every step (logits
  // over the vocabulary, GRU activations). glibc serves those with mmap and
  // returns them with munmap, so every step paid page faults again: a third of
  // training CPU time was system time. Keeping freed memory in the heap instead
  // raised GRU training on Multi30k from 1660 to 2634 target tokens/s.
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 256 << 20);
}

void release_freed_memory() {
  // Looked up, not linked: the tools run on glibc's malloc too (NMT_TCMALLOC=OFF).
  using Release = void (*)();
  if (const auto release = reinterpret_cast<Release>(dlsym(RTLD_DEFAULT, "MallocExtension_ReleaseFreeMemory")))
    release();
  else
    malloc_trim(0);
}

void limit_ideep_cache() {
  // ideep, LibTorch's wrapper of oneDNN, keeps its own cache of bf16 products
  // per thread (1024 by default), on top of oneDNN's primitive cache, sized by
  // LRU_CACHE_CAPACITY when a thread first multiplies. Training batches come
  // in many shapes: GRU bf16 training grew from 1184 to 2050+ MiB anonymous
  // memory in 150 steps with it and stayed at 965 with a capacity of 1, at the
  // same speed. Decoding was faster without it too (GRU bf16, test2016,
  // alternating runs: greedy batched 1031-1130 vs 854-910 sentences/s, beam 5
  // one sentence at a time 83-86 vs 64-73). A user's own setting wins.
  setenv("LRU_CACHE_CAPACITY", "1", /*overwrite=*/0);
}

BlasThreading blas_threading() {
  using GetParallel = int (*)();
  const auto get = reinterpret_cast<GetParallel>(dlsym(RTLD_DEFAULT, "openblas_get_parallel"));
  if (!get) return BlasThreading::unknown;
  switch (get()) {
    case 0: return BlasThreading::sequential;
    case 1: return BlasThreading::own_threads;
    case 2: return BlasThreading::openmp;
    default: return BlasThreading::unknown;
  }
}

void setup_threads(int threads, bool onednn_products) {
  // LibTorch's intra-op pool (OpenMP) and OpenBLAS's own pthreads both want
  // every core, and their busy-waiting collided on 2 cores. GRU training on
  // the generated corpus ran at about 1600 target tokens/s with both pools at
  // 2 threads and about 3900 with LibTorch at 1 thread; on Multi30k (hidden
  // 256) LibTorch at 1 thread (2189) also beat OMP_WAIT_POLICY=PASSIVE (2088).
  // So with that OpenBLAS "auto" (0) gives LibTorch one thread for fp32; the
  // matrix products, where most of the work is, still use every core through
  // OpenBLAS. bf16 products run in oneDNN on LibTorch's own threads instead,
  // so there auto means one per core: Transformer training at 2 threads made
  // 3880 target tokens/s against 2750 at 1 (OMP_WAIT_POLICY=PASSIVE both).
  // OpenBLAS's OpenMP build (which the executables load first, see
  // CMakeLists.txt) runs on LibTorch's own pool: nothing collides, and auto
  // means one thread per core whatever the precision. GRU training on
  // Multi30k: 4700 target tokens/s in fp32 and 5800-6100 in bf16 that way,
  // against 4133 / 4860 with the pthread build and one LibTorch thread.
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const bool shared_pool = blas_threading() == BlasThreading::openmp;
  const int n = threads > 0 ? threads : (onednn_products || shared_pool ? cores : 1);
  torch::set_num_threads(n);
  spdlog::debug("LibTorch intra-op threads: {} ({} cores, {} products, BLAS {} LibTorch's pool); OpenMP waits: {}; {}",
                n, cores, onednn_products ? "oneDNN" : "BLAS", shared_pool ? "on" : "beside", openmp_wait_policy(),
                memory_allocator());
}

std::string openmp_wait_policy() {
  // secure_getenv reads the environment itself; getenv is what libgomp read,
  // through the executable's definition when it has one.
  for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"})
    if (const char* value = secure_getenv(name)) return std::string(name) + "=" + value + " (environment)";
  if (const char* spins = std::getenv("GOMP_SPINCOUNT"))
    return std::string("spin ") + spins + " times, then sleep (nmt's default; GOMP_SPINCOUNT or OMP_WAIT_POLICY change it)";
  return "libgomp's default (spin 300000 times, then sleep)";
}

bool set_blas_threads(int threads) {
  // Looked up at run time: LibTorch reaches BLAS through libblas.so.3, which
  // Debian's alternatives may point at OpenBLAS or at another library.
  using SetThreads = void (*)(int);
  const auto set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
  if (!set) return false;
  set(threads);
  return true;
}

bool set_onednn_cache_capacity(int primitives) {
  // Looked up at run time, like OpenBLAS: oneDNN is LibTorch's dependency, not ours.
  using SetCapacity = int (*)(int);
  const auto set = reinterpret_cast<SetCapacity>(dlsym(RTLD_DEFAULT, "dnnl_set_primitive_cache_capacity"));
  if (!set) return false;
  // Measured on Transformer bf16 training, 40 steps: peak RSS 2702 MiB with
  // the default capacity (5.8 GiB after an hour) and 1948 MiB with none, at
  // the same speed: a training batch's shapes rarely repeat soon enough to hit.
  return set(primitives) == 0;
}

std::string resolve_device(const std::string& device, const std::string& key) {
  if (device == "auto") return torch::cuda::is_available() ? "cuda" : "cpu";
  if (device.rfind("cuda", 0) == 0 && !torch::cuda::is_available())
    throw Error(key + " is '" + device + "' but this LibTorch has no CUDA device");
  return device;
}

namespace {

// A "Key:   1234 kB" line of /proc/self/status, in MiB.
double status_mib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(key + ":", 0) == 0) return std::stod(line.substr(key.size() + 1)) / 1024.0;
  return 0;
}

}  // namespace

double peak_rss_mib() { return status_mib("VmHWM"); }
double anonymous_rss_mib() { return status_mib("RssAnon"); }

}  // namespace nmt
