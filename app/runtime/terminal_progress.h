#pragma once
// Progress of long work on a file (done/total, rate, ETA), redrawn on one
// line of standard error when it is a terminal, and silent otherwise:
// scripts and logs get no carriage returns.
#include <chrono>
#include <cstddef>
#include <string>

namespace nmt {

class TerminalProgress {
 public:
  // `what`: e.g. "translated"; `unit`: e.g. "sentences".
  TerminalProgress(std::string what, std::string unit, std::size_t total);
  ~TerminalProgress();  // ends the line it drew on
  TerminalProgress(const TerminalProgress&) = delete;
  TerminalProgress& operator=(const TerminalProgress&) = delete;

  void update(std::size_t done);  // redraws at most 4 times a second, and at the end

 private:
  using Clock = std::chrono::steady_clock;
  std::string what_, unit_;
  std::size_t total_;
  bool shown_;  // standard error is a terminal
  bool drawn_ = false;
  Clock::time_point start_ = Clock::now(), last_;
};

}  // namespace nmt
