#pragma once
// A model directory for PyTorch without nmt (nmt-export --to pytorch): the
// weights as a state dict that Python's torch.load reads, the model and
// decoding settings as JSON, and the SentencePiece model(s). The package in
// python/nmt_pytorch rebuilds both architectures from it.
#include <string>

namespace nmt {

// Writes `out` (a new or empty directory; with `force`, any) from the
// trained model directory `model_dir`:
//   weights.pt   {parameter name: fp32 tensor}, the names of the C++ modules
//                (docs/export.md lists them with their shapes)
//   config.json  format and version, model, decoding, special ids, and the
//                names and shapes of the weights
//   spm.model, or spm.src.model and spm.tgt.model
void export_pytorch(const std::string& model_dir, const std::string& out, bool force = false);

}  // namespace nmt
