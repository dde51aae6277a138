#include "app/runtime/terminal_progress.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace nmt {

TerminalProgress::TerminalProgress(std::string what, std::string unit, std::size_t total)
    : what_(std::move(what)), unit_(std::move(unit)), total_(total), shown_(isatty(STDERR_FILENO) == 1) {}

TerminalProgress::~TerminalProgress() {
  if (drawn_) std::fputc('\n', stderr);
}

void TerminalProgress::update(std::size_t done) {
  if (!shown_ || total_ == 0) return;
  const auto now = Clock::now();
  if (done < total_ && drawn_ && now - last_ < std::chrono::milliseconds(250)) return;
  last_ = now;
  drawn_ = true;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double rate = done / std::max(1e-9, seconds);
  const double eta = done > 0 ? (total_ - done) / rate : 0;
  std::fprintf(stderr, "\r%s %zu/%zu %s (%.0f%%), %.1f %s/s, %s %.0f s   ", what_.c_str(), done, total_,
               unit_.c_str(), 100.0 * done / total_, rate, unit_.c_str(), done < total_ ? "eta" : "in",
               done < total_ ? eta : seconds);
  std::fflush(stderr);
}

}  // namespace nmt
