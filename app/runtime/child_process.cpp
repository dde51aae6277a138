#include "app/runtime/child_process.h"

#include <spdlog/spdlog.h>

#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

namespace nmt {
namespace {

bool single_threaded() {
  std::error_code error;
  std::filesystem::directory_iterator tasks("/proc/self/task", error);
  if (error) return false;
  int threads = 0;
  for (const auto& task : tasks) {
    (void)task;
    ++threads;
  }
  return threads == 1;
}

}  // namespace

bool run_in_child_process(const std::function<void()>& work) {
  if (!single_threaded()) return false;
  spdlog::default_logger()->flush();
  const pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    int status = 0;
    try {
      work();
    } catch (...) {
      status = 1;
    }
    spdlog::default_logger()->flush();
    _exit(status);  // not exit(): no destructors or atexit handlers of the parent's objects
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0)
    if (errno != EINTR) return false;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace nmt
