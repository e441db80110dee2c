// A spy on the library's system calls: the test program defines syscall()
// and explicit_bzero() itself (exported with -rdynamic), so the library's
// calls land here first.  It counts keyctl operations, can fail chosen ones,
// can run a hook before one, and records every wiped range.
#pragma once

#include <functional>
#include <utility>
#include <vector>

namespace spy {

void reset();

// keyctl calls made with operation `op` since reset() (all when op < 0).
int keyctl_calls(int op = -1);

// Makes keyctl operation `op` fail with `err` without reaching the kernel.
void fail_keyctl(int op, int err);

// Runs `hook` before each keyctl call with operation `op`, passing the
// call's index among those (0 for the first).
void before_keyctl(int op, std::function<void(int)> hook);

// The arguments (after the operation) of the last keyctl call of `op`.
std::vector<unsigned long> last_keyctl_args(int op);

// The (address, length) ranges passed to explicit_bzero since reset().
std::vector<std::pair<const void *, size_t>> wiped();

} // namespace spy
