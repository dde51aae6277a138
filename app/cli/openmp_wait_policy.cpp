// Linked into every executable (not into a layer library): how long LibTorch's
// OpenMP threads spin before they sleep when they run out of work. libgomp's
// default, 300,000 spins, is milliseconds of a core: when another busy process
// holds the other core, the spinning thread burns the time slices its partner
// needs, and two nmt-train processes on 2 cores ran at 0-34% of their solo
// speed (fair: 50%). nmt-train spins 1,000 times instead (microseconds):
// enough to catch the next parallel region of a busy step, so a process alone
// keeps its speed (sleeping at once, OMP_WAIT_POLICY=passive, cost the GRU
// 24%), and short enough to share the cores (figures: docs/performance.md,
// scripts/contention_benchmark.sh), and so does nmt-serve, which shares them with
// its clients. The offline decoding tools spin 10,000 times: a
// decoding step is many small parallel regions with a little work between
// them, and where waking a thread is slow (a virtual machine's Intel Xeon)
// 1,000 spins put it to sleep between every two: one sentence at a time, int8
// greedy decoding ran at 54 sentences/s with 1,000 and 181 with 10,000 (as
// many as with libgomp's default). NMT_OPENMP_SPINS is the executable's count
// (CMakeLists.txt compiles this file once per executable).
//
// libgomp reads GOMP_SPINCOUNT and OMP_WAIT_POLICY once, in its constructor,
// which runs before main() (too late for setenv) and before any constructor
// of ours that could run after libc's (whose own start-up resets the
// environment). It reads them through getenv, which a definition in the
// executable interposes (the dynamic linker looks in the executable first):
// this one answers GOMP_SPINCOUNT when the user set neither variable, and
// reads the real environment for everything else.
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#ifndef NMT_OPENMP_SPINS
#error "NMT_OPENMP_SPINS: compile this file through nmt_openmp_wait_policy() in CMakeLists.txt"
#endif

namespace {

char* from_environment(const char* name) {
  const size_t n = std::strlen(name);
  for (char** entry = environ; entry && *entry; ++entry)
    if (std::strncmp(*entry, name, n) == 0 && (*entry)[n] == '=') return *entry + n + 1;
  return nullptr;
}

}  // namespace

extern "C" char* getenv(const char* name) noexcept {
  char* value = from_environment(name);
  if (value || std::strcmp(name, "GOMP_SPINCOUNT") != 0 || from_environment("OMP_WAIT_POLICY")) return value;
  static char spins[] = NMT_OPENMP_SPINS;
  return spins;
}
