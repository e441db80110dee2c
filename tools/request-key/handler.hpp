// Handler supervision: runs one handler program with a clean environment and
// only descriptors 0-2, feeds a pipe handler its input and collects its
// output, and enforces the time limit.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace rktool {

// A pipe handler's output past this size is refused, not truncated.
constexpr size_t max_payload = 1024 * 1024;

struct handler_run {
    std::string program;           // the path to execute
    std::vector<std::string> argv; // argv[0] included
    bool pipe = false;             // stdin gets `input`, stdout is collected
    std::string input;
    unsigned timeout = 0;          // seconds
};

struct run_result {
    bool started = false; // false: it could not be executed (errno in exec_errno)
    int exec_errno = 0;
    bool timed_out = false;
    int status = 0;       // wait status
    std::string output;   // stdout, pipe handlers only
    bool output_too_big = false;
};

// Runs the handler in a process group of its own and waits for it, at most
// `timeout` seconds: then the whole group is killed.  A pipe handler's stdout
// is read until it exits (what a descendant writes later is not waited for)
// and its stderr is logged line by line.
run_result run_handler(const handler_run &run);

// Replaces request-key with a plain handler, as 1.6.3 does (no process
// stands between the kernel and the handler, so none has to be scheduled on
// the way back), with the time limit as an alarm: it survives execve and
// ends the handler with SIGALRM.  Returns only when the handler cannot be
// executed, with the errno value.
int exec_in_place(const handler_run &run);

// "exited 1", "killed by signal 9", ...
std::string describe_status(int status);

} // namespace rktool
