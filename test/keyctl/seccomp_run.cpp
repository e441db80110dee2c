// seccomp-run ERRNO [KEYCTL_OP] PROGRAM [ARG...]: runs PROGRAM with the
// keyring system calls (or, given KEYCTL_OP, that one keyctl operation)
// failing with ERRNO, as under a container's seccomp profile.
#include "../seccomp_filter.hpp"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: seccomp-run ERRNO [KEYCTL_OP] PROGRAM [ARG...]\n");
        return 2;
    }
    int error = atoi(argv[1]);
    char **program = argv + 2;
    bool installed;
    if (argc > 3 && strspn(argv[2], "0123456789") == strlen(argv[2])) {
        unsigned op = static_cast<unsigned>(atoi(argv[2]));
        installed = test_seccomp::block_keyctl_operation(op, error);
        program++;
    } else {
        installed = test_seccomp::block_keyring_syscalls(error);
    }
    if (!installed) {
        perror("seccomp-run: installing the filter");
        return 2;
    }
    execvp(program[0], program);
    perror(program[0]);
    return 127;
}
