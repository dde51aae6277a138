#pragma once
// How the process uses the machine: LibTorch's threads, the allocator, the device.
#include <string>

namespace nmt {

// Keeps freed memory in the heap instead of returning it to the kernel (see
// runtime.cpp for the measurement). Call once, before the first tensor.
void keep_freed_memory();

// Uses `threads` LibTorch intra-op threads (0 = auto) and logs the choice.
void setup_threads(int threads);

// OpenBLAS's own thread count (it runs the fp32 matrix products); false when
// the BLAS in use is not OpenBLAS. Several processes on one machine share its
// cores this way instead of each taking all of them.
bool set_blas_threads(int threads);

// "auto" picks CUDA when LibTorch has it, else the CPU; "cuda" without a
// device is an error that names `key` (the option the value came from).
std::string resolve_device(const std::string& device, const std::string& key = "training.device");

// Peak resident memory of this process so far (VmHWM), in MiB.
double peak_rss_mib();

// Anonymous resident memory now (RssAnon: heap and tensors, not mapped
// files), in MiB: what a corpus larger than memory must not grow.
double anonymous_rss_mib();

}  // namespace nmt
