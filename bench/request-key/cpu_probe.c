/* Bind-mounted over /sbin/request-key (or /sbin/key.dns_resolver) while the
 * request-key benchmark measures CPU time: runs the program under test with
 * the kernel's arguments, waits for it and appends the CPU time it and every
 * descendant it waited for used (user and system, in microseconds) to the
 * log.  The program and the log are named in PROBE_CONF, one per line. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROBE_CONF "/run/keyutils-bench-cpu-probe"

int main(int argc, char **argv)
{
    char conf[8192] = "";
    int fd = open(PROBE_CONF, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, conf, sizeof conf - 1) : -1;
    if (n <= 0)
        return 1;
    conf[n] = '\0';
    close(fd);
    char *program = strtok(conf, "\n");
    char *log = strtok(NULL, "\n");
    if (!program || !log || argc < 1)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        argv[0] = program;
        execv(program, argv);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
        return 1;
    long long cpu = (long long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
                    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
    char line[64];
    int len = snprintf(line, sizeof line, "%lld\n", cpu);
    int out = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (out >= 0) {
        if (write(out, line, (size_t)len) != len)
            status = 1 << 8;
        close(out);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
