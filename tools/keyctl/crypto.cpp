// Diffie-Hellman and public-key commands.
#include "keyctl.hpp"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.hpp"

namespace keyctl_tool {

namespace {

void print_result(const void *data, size_t len)
{
    printf("%zu bytes of data in result:\n", len);
    hex_dump(stdout, static_cast<const unsigned char *>(data), len);
}

// 1.6.3's order, which decides the error a bad command line gets: the keys,
// the length, the buffer, and only then the other info on stdin.
int dh_kdf(char **argv, bool other_info, bool hex)
{
    key_serial_t priv = parse_key(argv[0]);
    key_serial_t prime = parse_key(argv[1]);
    key_serial_t base = parse_key(argv[2]);
    // As in 1.6.3, errno is not cleared first: "-1" converts without an
    // error, and the message then names what errno held (a key lookup's
    // ENOKEY, say).
    unsigned long len = strtoul(argv[3], nullptr, 10);
    if (len == ULONG_MAX) {
        int e = errno;
        die(1, "dh_compute: cannot convert generated length value: %s\n", strerror(e));
    }
    // Over PTRDIFF_MAX (a negative length, say) glibc's malloc fails with
    // ENOMEM without trying: say so without asking, so that no allocator
    // (ASan's warns) sees the request.
    char *buf = len > PTRDIFF_MAX ? nullptr : static_cast<char *>(hold(malloc(len ? len : 1)));
    if (len > PTRDIFF_MAX)
        errno = ENOMEM;
    if (!buf) {
        int e = errno;
        die(1, "dh_compute: cannot allocate memory: %s\n", strerror(e));
    }
    payload other = other_info ? payload_stdin(hex) : payload{nullptr, 0};
    long n = keyctl_dh_compute_kdf(priv, prime, base, argv[4], other.data, other.len, buf, len);
    if (n < 0)
        fail("keyctl_dh_compute_kdf");
    print_result(buf, static_cast<size_t>(n));
    return 0;
}

// The pkey commands take "0" for the password and then key=value options,
// which the kernel receives joined by spaces.
struct pkey_args {
    key_serial_t key;
    char *info;
};

pkey_args parse_pkey(int argc, char **argv, int fixed)
{
    if (argc < fixed)
        usage();
    pkey_args a;
    // 1.6.3 checks the options before the key and the password.
    tools::options_status options =
        tools::join_key_val_options(argv + fixed, argc - fixed, &a.info);
    if (options == tools::options_status::not_key_val)
        die(2, "Option not in key=val form\n");
    if (options == tools::options_status::ok)
        hold(a.info);
    a.key = parse_key(argv[1]);
    if (strcmp(argv[2], "0") != 0)
        die(2, "Password passing is not yet supported\n");
    if (options == tools::options_status::no_memory)
        fail("malloc");
    return a;
}

enum class pkey_op { encrypt, decrypt, sign };

int pkey_transform(int argc, char **argv, pkey_op op)
{
    pkey_args a = parse_pkey(argc, argv, 4);
    size_t in_len;
    char *in = read_file(argv[3], &in_len);

    struct keyctl_pkey_query q;
    if (keyctl_pkey_query(a.key, a.info, &q) < 0)
        fail("keyctl_pkey_query");
    size_t out_cap = op == pkey_op::encrypt   ? q.max_enc_size
                     : op == pkey_op::decrypt ? q.max_dec_size
                                              : q.max_sig_size;
    char *out = static_cast<char *>(hold(malloc(out_cap ? out_cap : 1)));
    if (!out)
        fail("malloc");
    long n;
    const char *what;
    switch (op) {
    case pkey_op::encrypt:
        n = keyctl_pkey_encrypt(a.key, a.info, in, in_len, out, out_cap);
        what = "keyctl_pkey_encrypt";
        break;
    case pkey_op::decrypt:
        n = keyctl_pkey_decrypt(a.key, a.info, in, in_len, out, out_cap);
        what = "keyctl_pkey_decrypt";
        break;
    default:
        n = keyctl_pkey_sign(a.key, a.info, in, in_len, out, out_cap);
        what = "keyctl_pkey_sign";
        break;
    }
    if (n < 0)
        fail(what);
    if (fwrite(out, 1, static_cast<size_t>(n), stdout) != static_cast<size_t>(n))
        fail("write");
    return 0;
}

} // namespace

int cmd_dh_compute(int argc, char **argv)
{
    if (argc != 4)
        usage();
    key_serial_t priv = parse_key(argv[1]);
    key_serial_t prime = parse_key(argv[2]);
    key_serial_t base = parse_key(argv[3]);
    void *buf;
    long n = keyctl_dh_compute_alloc(priv, prime, base, &buf);
    if (n < 0)
        fail("keyctl_dh_compute_alloc");
    print_result(buf, static_cast<size_t>(n));
    free(buf);
    return 0;
}

int cmd_dh_compute_kdf(int argc, char **argv)
{
    if (argc != 6)
        usage();
    return dh_kdf(argv + 1, false, false);
}

int cmd_dh_compute_kdf_oi(int argc, char **argv)
{
    int i = 1;
    bool hex = i < argc && strcmp(argv[i], "-x") == 0;
    if (hex)
        i++;
    if (argc - i != 5)
        usage();
    return dh_kdf(argv + i, true, hex);
}

int cmd_pkey_query(int argc, char **argv)
{
    pkey_args a = parse_pkey(argc, argv, 3);
    struct keyctl_pkey_query q;
    if (keyctl_pkey_query(a.key, a.info, &q) < 0)
        fail("keyctl_pkey_query");
    printf("key_size=%u\n", q.key_size);
    printf("max_data_size=%u\n", q.max_data_size);
    printf("max_sig_size=%u\n", q.max_sig_size);
    printf("max_enc_size=%u\n", q.max_enc_size);
    printf("max_dec_size=%u\n", q.max_dec_size);
    printf("encrypt=%c\n", (q.supported_ops & KEYCTL_SUPPORTS_ENCRYPT) ? 'y' : 'n');
    printf("decrypt=%c\n", (q.supported_ops & KEYCTL_SUPPORTS_DECRYPT) ? 'y' : 'n');
    printf("sign=%c\n", (q.supported_ops & KEYCTL_SUPPORTS_SIGN) ? 'y' : 'n');
    printf("verify=%c\n", (q.supported_ops & KEYCTL_SUPPORTS_VERIFY) ? 'y' : 'n');
    return 0;
}

int cmd_pkey_encrypt(int argc, char **argv)
{
    return pkey_transform(argc, argv, pkey_op::encrypt);
}

int cmd_pkey_decrypt(int argc, char **argv)
{
    return pkey_transform(argc, argv, pkey_op::decrypt);
}

int cmd_pkey_sign(int argc, char **argv)
{
    return pkey_transform(argc, argv, pkey_op::sign);
}

int cmd_pkey_verify(int argc, char **argv)
{
    pkey_args a = parse_pkey(argc, argv, 5);
    size_t data_len, sig_len;
    char *data = read_file(argv[3], &data_len);
    char *sig = read_file(argv[4], &sig_len);
    if (keyctl_pkey_verify(a.key, a.info, data, data_len, sig, sig_len) < 0)
        fail("keyctl_pkey_verify");
    return 0;
}

} // namespace keyctl_tool
