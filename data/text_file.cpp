#include "data/text_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <istream>

#include "common/error.h"
#include "data/atomic_file.h"
#include "data/utf8.h"

namespace nmt::data {

namespace {

// One line's clean-up and check; `number` is 1-based.
void check_line(std::string& line, LineEnds mode, const std::string& name, std::int64_t number) {
  if (mode == LineEnds::kClean) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) line.erase(0, 3);
  }
  const auto bad = find_invalid_utf8(line);
  if (bad != std::string::npos)
    throw Error(name + ":" + std::to_string(number) + ": invalid UTF-8 at byte " + std::to_string(bad + 1) +
                " of the line");
}

void open_for_reading(std::ifstream& in, const std::string& path) {
  if (std::filesystem::is_directory(path)) throw Error(path + ": is a directory, not a text file");
  in.open(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file (" + std::strerror(errno) + ")");
}

}  // namespace

std::vector<std::string> read_lines(std::istream& in, const std::string& name, LineEnds mode) {
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    check_line(line, mode, name, static_cast<std::int64_t>(lines.size()) + 1);
    lines.push_back(std::move(line));
  }
  if (in.bad()) throw Error(name + ": read error");
  return lines;
}

LineReader::LineReader(const std::string& path, LineEnds mode) : path_(path), mode_(mode) {
  open_for_reading(in_, path);
}

bool LineReader::next(std::string& line) {
  if (!std::getline(in_, line)) {
    if (in_.bad()) throw Error(path_ + ": read error");
    return false;
  }
  check_line(line, mode_, path_, ++lines_);
  return true;
}

std::vector<std::string> read_lines(const std::string& path, LineEnds mode) {
  std::ifstream in;
  open_for_reading(in, path);
  return read_lines(in, path, mode);
}

void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts) {
  replace_file_atomically(path, [&](const std::string& tmp) {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw Error(tmp + ": cannot write file (" + std::strerror(errno) + ")");
    errno = 0;
    for (const auto& part : parts) out.write(part.data(), static_cast<std::streamsize>(part.size()));
    out.flush();
    if (!out)
      throw Error(path + ": cannot write (" + (errno ? std::strerror(errno) : "write failed") +
                  "; disk full?); the previous version of the file is kept");
  });
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  write_file_atomically(path, std::vector<std::string_view>{bytes});
}

void write_lines_atomically(const std::string& path, const std::vector<std::string>& lines) {
  std::string bytes;
  for (const auto& l : lines) bytes.append(l).push_back('\n');
  write_file_atomically(path, bytes);
}

bool file_exists(const std::string& path) { return std::filesystem::is_regular_file(path); }

std::int64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open file (" + std::strerror(errno) + ")");
  std::vector<char> block(1 << 20);
  std::int64_t lines = 0;
  char last = '\n';
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    const auto got = in.gcount();
    if (got <= 0) break;
    lines += std::count(block.data(), block.data() + got, '\n');
    last = block[static_cast<std::size_t>(got) - 1];
  }
  return lines + (last != '\n');
}

}  // namespace nmt::data
