// keyctl quota: this user's key and byte usage against the kernel's limits.
#include "keyctl.hpp"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

namespace keyctl_tool {

long read_number(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return -1;
    long value = -1;
    if (fscanf(f, "%ld", &value) != 1)
        value = -1;
    fclose(f);
    return value;
}

namespace {

// Whether this process's uid 0 is the initial namespace's root: only that
// uid gets the root_max* limits.
bool real_root(uid_t uid)
{
    if (uid != 0)
        return false;
    FILE *f = fopen("/proc/self/uid_map", "re");
    if (!f)
        return true;
    unsigned inside, outside, count;
    bool root = false;
    while (fscanf(f, "%u %u %u", &inside, &outside, &count) == 3) {
        if (inside == 0 && outside == 0)
            root = true;
    }
    fclose(f);
    return root;
}

} // namespace

bool read_quota(quota_figures *q)
{
    uid_t uid = geteuid();
    q->uid = uid;
    q->keys = 0;
    q->bytes = 0;
    bool root = real_root(uid);
    q->max_keys = read_number(root ? "/proc/sys/kernel/keys/root_maxkeys"
                                   : "/proc/sys/kernel/keys/maxkeys");
    q->max_bytes = read_number(root ? "/proc/sys/kernel/keys/root_maxbytes"
                                    : "/proc/sys/kernel/keys/maxbytes");

    // Lines: "uid: usage nkeys/ninstantiated qnkeys/maxkeys qnbytes/maxbytes";
    // the limits there are the ones the kernel applies, so prefer them.
    FILE *f = fopen("/proc/key-users", "re");
    if (!f)
        return q->max_keys >= 0;
    unsigned u;
    long usage, nkeys, ninst, qkeys, maxkeys, qbytes, maxbytes;
    while (fscanf(f, " %u: %ld %ld/%ld %ld/%ld %ld/%ld", &u, &usage, &nkeys, &ninst, &qkeys,
                  &maxkeys, &qbytes, &maxbytes) == 8) {
        if (u == uid) {
            q->keys = qkeys;
            q->bytes = qbytes;
            q->max_keys = maxkeys;
            q->max_bytes = maxbytes;
            break;
        }
    }
    fclose(f);
    return q->max_keys >= 0;
}

int cmd_quota(int argc, char **)
{
    if (argc != 1)
        usage();
    quota_figures q;
    if (!read_quota(&q))
        die(1, "quota: cannot read /proc/key-users or /proc/sys/kernel/keys\n");
    if (json_output) {
        printf("{\"uid\":%u,\"keys\":{\"used\":%ld,\"max\":%ld},"
               "\"bytes\":{\"used\":%ld,\"max\":%ld}}\n",
               q.uid, q.keys, q.max_keys, q.bytes, q.max_bytes);
    } else {
        printf("uid:   %u\n", q.uid);
        printf("keys:  %ld/%ld\n", q.keys, q.max_keys);
        printf("bytes: %ld/%ld\n", q.bytes, q.max_bytes);
    }
    return 0;
}

} // namespace keyctl_tool
