// Diffie-Hellman and public-key commands.
#include "keyctl.hpp"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

namespace keyctl_tool {

namespace {

void print_result(const void *data, size_t len)
{
    printf("%zu bytes of data in result:\n", len);
    hex_dump(stdout, static_cast<const unsigned char *>(data), len);
}

int dh_kdf(char **argv, const payload *other)
{
    key_serial_t priv = parse_key(argv[0]);
    key_serial_t prime = parse_key(argv[1]);
    key_serial_t base = parse_key(argv[2]);
    errno = 0;
    unsigned long len = strtoul(argv[3], nullptr, 10);
    if (len == ULONG_MAX) {
        int e = errno;
        die(1, "dh_compute: cannot convert generated length value: %s\n", strerror(e));
    }
    char *buf = static_cast<char *>(malloc(len ? len : 1));
    if (!buf)
        fail("malloc");
    long n = keyctl_dh_compute_kdf(priv, prime, base, argv[4], other ? other->data : nullptr,
                                   other ? other->len : 0, buf, len);
    if (n < 0)
        fail("keyctl_dh_compute_kdf");
    print_result(buf, static_cast<size_t>(n));
    free(buf);
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
    a.key = parse_key(argv[1]);
    if (strcmp(argv[2], "0") != 0)
        die(2, "Password passing is not yet supported\n");
    size_t total = 1;
    for (int i = fixed; i < argc; i++) {
        if (!strchr(argv[i], '='))
            die(2, "Option not in key=val form\n");
        total += strlen(argv[i]) + 1;
    }
    a.info = static_cast<char *>(malloc(total));
    if (!a.info)
        fail("malloc");
    a.info[0] = '\0';
    for (int i = fixed; i < argc; i++) {
        if (i > fixed)
            strcat(a.info, " ");
        strcat(a.info, argv[i]);
    }
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
    char *out = static_cast<char *>(malloc(out_cap ? out_cap : 1));
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
    free(out);
    free(in);
    free(a.info);
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
    return dh_kdf(argv + 1, nullptr);
}

int cmd_dh_compute_kdf_oi(int argc, char **argv)
{
    int i = 1;
    bool hex = i < argc && strcmp(argv[i], "-x") == 0;
    if (hex)
        i++;
    if (argc - i != 5)
        usage();
    payload other = payload_stdin(hex);
    int status = dh_kdf(argv + i, &other);
    free(other.data);
    return status;
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
    free(a.info);
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
    free(data);
    free(sig);
    free(a.info);
    return 0;
}

} // namespace keyctl_tool
