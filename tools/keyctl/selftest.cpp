// keyctl --test: the kernel's size limits on key types, descriptions and
// payloads, probed by adding keys to the thread keyring.
#include "keyctl.hpp"

#include <stdlib.h>
#include <string.h>

namespace keyctl_tool {

namespace {

// Type names and descriptions from 0 to 8191 bytes long.
int test_limits()
{
    constexpr size_t max = 8192;
    char *text = static_cast<char *>(malloc(max + 1));
    if (!text)
        fail("malloc");
    setvbuf(stdout, nullptr, _IONBF, 0);
    for (size_t i = 0; i < max; i++) {
        if (i % 32 == 0)
            printf(i ? "\nTEST SIZE %zu" : "TEST SIZE %zu", i);
        memset(text, 'a', i);
        text[i] = '\0';
        putchar('.');
        key_serial_t key = add_key(text, "wibble", "a", 1, KEY_SPEC_THREAD_KEYRING);
        if (key >= 0)
            keyctl_unlink(key, KEY_SPEC_THREAD_KEYRING);
        putchar('_');
        key = add_key("user", text, "a", 1, KEY_SPEC_THREAD_KEYRING);
        if (key >= 0)
            keyctl_unlink(key, KEY_SPEC_THREAD_KEYRING);
    }
    putchar('\n');
    free(text);
    return 0;
}

// Payloads from 0 bytes to just over 1MiB.
int test_limits2()
{
    constexpr size_t block = 2048;
    constexpr size_t blocks = 515;
    char *data = static_cast<char *>(malloc(block * blocks));
    if (!data)
        fail("malloc");
    memset(data, 'a', block * blocks);
    setvbuf(stdout, nullptr, _IONBF, 0);
    for (size_t i = 0; i < block * blocks; i++) {
        if (i % block == 0)
            printf(i ? "\nTEST SIZE %7zu " : "TEST SIZE %7zu ", i);
        if (i % 64 == 0)
            putchar('.');
        key_serial_t key = add_key("user", "a", data, i, KEY_SPEC_THREAD_KEYRING);
        if (key >= 0)
            keyctl_unlink(key, KEY_SPEC_THREAD_KEYRING);
    }
    putchar('\n');
    free(data);
    return 0;
}

} // namespace

int cmd_test(int argc, char **argv)
{
    if (argc < 2)
        test_usage();
    bool limits = strcmp(argv[1], "limits") == 0, limits2 = strcmp(argv[1], "limits2") == 0;
    // A known test with extra words gets the usage text, as in 1.6.3.
    if ((limits || limits2) && argc != 2)
        test_usage();
    if (limits)
        return test_limits();
    if (limits2)
        return test_limits2();
    die(2, "Unknown test command\n");
}

} // namespace keyctl_tool
