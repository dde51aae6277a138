#include "data/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"

namespace nmt::data {
namespace {

// fsync of a file or directory; false with errno set on failure.
bool sync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  errno = saved;
  return ok;
}

}  // namespace

void replace_file_atomically(const std::string& path, const std::function<void(const std::string&)>& write) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) throw Error(parent.string() + ": cannot create directory: " + ec.message());
  const std::string tmp = path + ".tmp";
  try {
    write(tmp);
    if (!sync_path(tmp, O_RDONLY)) throw Error(tmp + ": cannot flush to disk (" + std::strerror(errno) + ")");
  } catch (const Error&) {
    fs::remove(tmp, ec);
    throw;
  } catch (const std::exception& e) {
    fs::remove(tmp, ec);
    throw Error(path + ": cannot write (" + e.what() + ")");
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error(path + ": cannot replace file: " + ec.message());
  }
  // The rename itself is durable only once the directory is flushed.
  sync_path(parent.string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace nmt::data
