#pragma once
// `nmt-train --nproc N`: the ranks of one machine without torchrun (what
// `torchrun --standalone --nproc_per_node N` does, for users without Python).
#include <string>
#include <vector>

namespace nmt {

// Runs `nproc` copies of this executable with `args` (argv without --nproc)
// as ranks 0..nproc-1: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE,
// MASTER_ADDR=127.0.0.1 and MASTER_PORT (a free port unless already set).
// Waits for all. When one fails, the others are stopped (SIGTERM, then
// SIGKILL after a grace period) and the error names the rank and how it
// ended. Ctrl-C in a terminal reaches every rank itself, SIGTERM to the
// launcher is passed on; either way rank 0 stops them all at one step with a
// checkpoint.
// Returns the exit code for main().
int launch_local_ranks(int nproc, const std::vector<std::string>& args);

}  // namespace nmt
