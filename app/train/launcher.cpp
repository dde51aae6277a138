#include "app/train/launcher.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "common/error.h"

namespace nmt {
namespace {

volatile sig_atomic_t g_forward_signal = 0;
void remember_signal(int signal) { g_forward_signal = signal; }

// A TCP port that is free on loopback now (the OS picks it).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw Error(std::string("--nproc: cannot open a socket: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!ok) throw Error(std::string("--nproc: cannot find a free port: ") + std::strerror(errno));
  return ntohs(address.sin_port);
}

std::string how_it_ended(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "ended";
}

}  // namespace

int launch_local_ranks(int nproc, const std::vector<std::string>& args) {
  const char* port_env = std::getenv("MASTER_PORT");
  const std::string port = port_env && *port_env ? port_env : std::to_string(free_port());
  spdlog::info("--nproc {}: starting {} ranks on this machine (store 127.0.0.1:{})", nproc, nproc, port);
  // Ctrl-C goes to the whole process group; the launcher itself must outlive
  // it to collect the ranks. SIGTERM is passed on to them.
  std::signal(SIGINT, remember_signal);
  std::signal(SIGTERM, remember_signal);

  std::vector<pid_t> pids(nproc, -1);
  for (int rank = 0; rank < nproc; ++rank) {
    const pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("--nproc: cannot start a rank: ") + std::strerror(errno));
    if (pid == 0) {
      ::setenv("RANK", std::to_string(rank).c_str(), 1);
      ::setenv("LOCAL_RANK", std::to_string(rank).c_str(), 1);
      ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
      ::setenv("MASTER_ADDR", "127.0.0.1", 1);
      ::setenv("MASTER_PORT", port.c_str(), 1);
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv("/proc/self/exe", argv.data());
      std::_Exit(127);
    }
    pids[rank] = pid;
  }

  int alive = nproc;
  std::string failure;
  auto deadline = std::chrono::steady_clock::time_point::max();
  while (alive > 0) {
    if (g_forward_signal == SIGTERM) {
      for (pid_t p : pids)
        if (p > 0) ::kill(p, SIGTERM);
      g_forward_signal = 0;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      if (std::chrono::steady_clock::now() > deadline)
        for (pid_t p : pids)
          if (p > 0) ::kill(p, SIGKILL);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    int rank = 0;
    while (rank < nproc && pids[rank] != done) ++rank;
    if (rank == nproc) continue;
    pids[rank] = -1;
    --alive;
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && failure.empty()) {
      failure = "rank " + std::to_string(rank) + " " + how_it_ended(status);
      spdlog::error("--nproc: {}; stopping the other ranks", failure);
      for (pid_t p : pids)
        if (p > 0) ::kill(p, SIGTERM);
      deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    }
  }
  if (!failure.empty()) throw Error("distributed training failed: " + failure);
  return 0;
}

}  // namespace nmt
