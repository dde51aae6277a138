#include "app/decode/weight_average.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <filesystem>

#include "app/decode/model_dir.h"
#include "common/error.h"
#include "data/output_directory.h"
#include "data/text_file.h"

namespace nmt {

void average_weights(const std::string& model_dir, const std::vector<std::string>& weight_files,
                     const std::string& out, bool force) {
  if (weight_files.empty()) throw Error("nothing to average: no weight files given");
  const ModelDir target{out};
  data::require_empty_directory(out, "nmt-average", force);
  auto loaded = load_model_dir(model_dir, "cpu");
  auto& model = *loaded.model;
  const torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> sum;
  for (const auto& file : weight_files) {
    load_weights(model, file);  // refuses another model's names and shapes, naming the file
    const auto parameters = model.parameters();
    if (sum.empty())
      for (const auto& p : parameters) sum.push_back(p.detach().to(torch::kFloat64));
    else
      for (std::size_t i = 0; i < parameters.size(); ++i) sum[i] += parameters[i].to(torch::kFloat64);
  }
  // Buffers (fixed tables such as the positional encoding) are the last file's: equal in all.
  const auto parameters = model.parameters();
  const double n = static_cast<double>(weight_files.size());
  for (std::size_t i = 0; i < parameters.size(); ++i) parameters[i].copy_(sum[i] / n);

  std::filesystem::create_directories(out);
  store_tokenizers(target, loaded.tokenizers);
  data::write_file_atomically(target.config(), to_yaml(loaded.config));
  save_weights(model, target.best());
  spdlog::info("averaged {} weight files of {} into {}", weight_files.size(), model_dir, target.best());
}

}  // namespace nmt
