#include <dlfcn.h>

#include <filesystem>

#include "common/error.h"
#include "data/sentencepiece_api.h"

namespace nmt::data {
namespace {

constexpr const char* kShimName = "libnmt_sentencepiece.so";

const SentencePieceApi& load_api() {
  // Beside the executable first (the build tree), then the loader's search path.
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> candidates;
  if (!ec) candidates.push_back((exe.parent_path() / kShimName).string());
  candidates.emplace_back(kShimName);
  std::string failures;
  for (const auto& path : candidates) {
    if (path.find('/') != std::string::npos && !std::filesystem::exists(path)) continue;
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
    if (!handle) {
      failures += std::string(" ") + dlerror() + ";";
      continue;
    }
    auto* entry = reinterpret_cast<const SentencePieceApi* (*)()>(dlsym(handle, "nmt_sentencepiece_api"));
    if (!entry) throw Error(path + ": has no nmt_sentencepiece_api");
    return *entry();
  }
  throw Error(std::string("cannot load the SentencePiece shim ") + kShimName +
              " (it is built beside the nmt executables):" + failures);
}

}  // namespace

const SentencePieceApi& sentencepiece_api() {
  static const SentencePieceApi& api = load_api();
  return api;
}

}  // namespace nmt::data
