// Precompiled header for the LibTorch layers: LibTorch's headers dominate compile time.
#pragma once
#include <torch/torch.h>
