#include "data/output_directory.h"

#include <filesystem>

#include "common/error.h"

namespace nmt::data {

void require_empty_directory(const std::string& dir, const std::string& tool, bool force) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (force || !fs::exists(dir, ec)) return;
  if (!fs::is_directory(dir, ec)) throw Error(dir + " exists and is not a directory: " + tool + " writes a directory there");
  const fs::directory_iterator it(dir, ec);
  if (ec) throw Error("cannot read directory " + dir + ": " + ec.message());
  if (it == fs::directory_iterator()) return;
  throw Error(dir + " is not empty (it holds " + it->path().filename().string() + "): " + tool +
              " writes a new directory; choose another one, or --force to write into this one (files of the same "
              "names are replaced)");
}

}  // namespace nmt::data
