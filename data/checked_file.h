#pragma once
// Files that carry their length and checksum, so a truncated or damaged file
// is reported by name instead of being loaded half: checkpoints and weights.
// Layout: the 8 bytes "NMTSUM01", the payload's length and its FNV-1a
// checksum (little-endian 64-bit each), then the payload.
#include <string>

namespace nmt::data {

// Writes header and payload atomically (see atomic_file.h).
void write_checked_file(const std::string& path, const std::string& payload);

// The payload. A file without the header (written before checksums existed)
// is returned whole. Errors name `path` and `what` the file is.
std::string read_checked_file(const std::string& path, const std::string& what);

}  // namespace nmt::data
