#pragma once
// Replacing a file so that a crash or a full disk never leaves it half written:
// readers see the old file or the new one, nothing in between.
#include <functional>
#include <string>

namespace nmt::data {

// Calls `write(temporary_path)` to write the new content beside `path`, flushes
// it to disk (fsync), renames it over `path` and flushes the directory. Creates
// missing parent directories. On any failure `path` is untouched, the
// temporary file is removed and the error names the file.
void replace_file_atomically(const std::string& path, const std::function<void(const std::string&)>& write);

}  // namespace nmt::data
