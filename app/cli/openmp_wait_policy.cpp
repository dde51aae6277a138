// Linked into every executable (not into a layer library): how long LibTorch's
// OpenMP threads spin before they sleep when they run out of work. libgomp's
// default, 300,000 spins, is milliseconds of a core: when another busy process
// holds the other core, the spinning thread burns the time slices its partner
// needs, and two nmt-train processes on 2 cores ran at 0-34% of their solo
// speed (fair: 50%). nmt spins 1,000 times instead (tens of microseconds):
// enough to catch the next parallel region of a busy step, so a process alone
// keeps its speed (sleeping at once, OMP_WAIT_POLICY=passive, cost the GRU
// 24%), and short enough to share the cores. Figures: the README, "Sharing the
// machine" (scripts/contention_benchmark.sh).
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
  static char spins[] = "1000";
  return spins;
}
