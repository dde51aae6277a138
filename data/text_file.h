#pragma once
#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::data {

enum class LineEnds { kClean, kRaw };

// Reads a UTF-8 text file, one entry per line, split at LF. kClean removes a
// trailing CR and a leading byte order mark; kRaw keeps every byte (scoring
// must see the text exactly as sacreBLEU does). Errors name the file, and the
// line for invalid UTF-8.
std::vector<std::string> read_lines(const std::string& path, LineEnds mode = LineEnds::kClean);

// The same from a stream (standard input, say); `name` stands for the file in errors.
std::vector<std::string> read_lines(std::istream& in, const std::string& name, LineEnds mode = LineEnds::kClean);

// Reads a text file one line at a time, with read_lines' rules and errors,
// so a corpus larger than memory can be streamed.
class LineReader {
 public:
  explicit LineReader(const std::string& path, LineEnds mode = LineEnds::kClean);
  // The next line, or false at the end of the file.
  bool next(std::string& line);
  std::int64_t lines_read() const { return lines_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  LineEnds mode_;
  std::ifstream in_;
  std::int64_t lines_ = 0;
};

// Writes lines (each followed by LF) atomically (see atomic_file.h): readers
// never see a half-written file.
void write_lines_atomically(const std::string& path, const std::vector<std::string>& lines);

// Writes bytes atomically, as above.
void write_file_atomically(const std::string& path, const std::string& bytes);
// The same for bytes in several parts, written one after the other.
void write_file_atomically(const std::string& path, const std::vector<std::string_view>& parts);

bool file_exists(const std::string& path);

// The number of lines of a file (a last line without LF counts), read in
// large blocks: a fraction of the time that reading its lines takes.
std::int64_t count_lines(const std::string& path);

}  // namespace nmt::data
