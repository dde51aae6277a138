#pragma once
// Small helpers shared by the tests: scratch directories, files, paths.
#include <filesystem>
#include <fstream>
#include <string>

namespace nmt::test {

// A fresh, empty directory under the build tree's scratch area.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string source_path(const std::string& relative) {
  return std::string(NMT_SOURCE_DIR) + "/" + relative;
}

// ../shared/data/NAME beside the checkout, or "" when it is not there.
inline std::string shared_data(const std::string& name) {
  auto dir = std::filesystem::path(NMT_SOURCE_DIR) / ".." / "shared" / "data" / name;
  return std::filesystem::is_directory(dir) ? dir.lexically_normal().string() : "";
}

}  // namespace nmt::test

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace nmt::test {

struct CommandResult {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command with stdout and stderr captured separately. Each call
// has its own files (CTest runs tests in parallel processes, and `name` may
// repeat); they are removed once read.
inline CommandResult run(const std::string& command, const std::string& name = "cmd") {
  static std::atomic<int> calls{0};
  const auto dir = std::filesystem::path(NMT_BINARY_DIR) / "test-scratch" / "commands";
  std::filesystem::create_directories(dir);
  const auto stem = name + "-" + std::to_string(::getpid()) + "-" + std::to_string(calls++);
  const auto out = dir / (stem + ".out"), err = dir / (stem + ".err");
  const int raw = std::system((command + " >" + out.string() + " 2>" + err.string()).c_str());
  CommandResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(out);
  r.err = read_file(err);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

inline std::string tool(const std::string& name) { return std::string(NMT_BINARY_DIR) + "/" + name; }

}  // namespace nmt::test
