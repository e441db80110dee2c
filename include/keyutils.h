/*
 * keyutils.h - C interface to the Linux kernel key retention service.
 *
 * Source compatible with keyutils 1.6.3: the same types, constants,
 * structures and prototypes.  Valid C89 (with -pedantic) through C++.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef KEYUTILS_H
#define KEYUTILS_H

#include <sys/types.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Version of the keyutils interface this library provides, and its build date. */
extern const char keyutils_version_string[];
extern const char keyutils_build_string[];

/* Serial number of a key; positive for real keys, negative for the special IDs. */
typedef int32_t key_serial_t;

/* Special keyring IDs, resolved by the kernel relative to the caller. */
#define KEY_SPEC_THREAD_KEYRING       -1 /* this thread's keyring */
#define KEY_SPEC_PROCESS_KEYRING      -2 /* this process's keyring */
#define KEY_SPEC_SESSION_KEYRING      -3 /* the session keyring */
#define KEY_SPEC_USER_KEYRING         -4 /* the keyring of the caller's UID */
#define KEY_SPEC_USER_SESSION_KEYRING -5 /* the default session keyring of the UID */
#define KEY_SPEC_GROUP_KEYRING        -6 /* the keyring of the caller's GID */
#define KEY_SPEC_REQKEY_AUTH_KEY      -7 /* the request_key authorisation key assumed */

/* Where request_key() links new keys by default (keyctl_set_reqkey_keyring). */
#define KEY_REQKEY_DEFL_NO_CHANGE            -1
#define KEY_REQKEY_DEFL_DEFAULT               0
#define KEY_REQKEY_DEFL_THREAD_KEYRING        1
#define KEY_REQKEY_DEFL_PROCESS_KEYRING       2
#define KEY_REQKEY_DEFL_SESSION_KEYRING       3
#define KEY_REQKEY_DEFL_USER_KEYRING          4
#define KEY_REQKEY_DEFL_USER_SESSION_KEYRING  5
#define KEY_REQKEY_DEFL_GROUP_KEYRING         6

/* Permission mask: four classes (possessor, owner, group, other) of six rights. */
typedef uint32_t key_perm_t;

#define KEY_POS_VIEW    0x01000000 /* see the key's attributes */
#define KEY_POS_READ    0x02000000 /* read the payload, list a keyring */
#define KEY_POS_WRITE   0x04000000 /* update the payload, add links to a keyring */
#define KEY_POS_SEARCH  0x08000000 /* find the key by searching */
#define KEY_POS_LINK    0x10000000 /* link the key into a keyring */
#define KEY_POS_SETATTR 0x20000000 /* change owner, permissions, timeout */
#define KEY_POS_ALL     0x3f000000

#define KEY_USR_VIEW    0x00010000
#define KEY_USR_READ    0x00020000
#define KEY_USR_WRITE   0x00040000
#define KEY_USR_SEARCH  0x00080000
#define KEY_USR_LINK    0x00100000
#define KEY_USR_SETATTR 0x00200000
#define KEY_USR_ALL     0x003f0000

#define KEY_GRP_VIEW    0x00000100
#define KEY_GRP_READ    0x00000200
#define KEY_GRP_WRITE   0x00000400
#define KEY_GRP_SEARCH  0x00000800
#define KEY_GRP_LINK    0x00001000
#define KEY_GRP_SETATTR 0x00002000
#define KEY_GRP_ALL     0x00003f00

#define KEY_OTH_VIEW    0x00000001
#define KEY_OTH_READ    0x00000002
#define KEY_OTH_WRITE   0x00000004
#define KEY_OTH_SEARCH  0x00000008
#define KEY_OTH_LINK    0x00000010
#define KEY_OTH_SETATTR 0x00000020
#define KEY_OTH_ALL     0x0000003f

/* Operation codes of the keyctl() system call. */
#define KEYCTL_GET_KEYRING_ID       0
#define KEYCTL_JOIN_SESSION_KEYRING 1
#define KEYCTL_UPDATE               2
#define KEYCTL_REVOKE               3
#define KEYCTL_CHOWN                4
#define KEYCTL_SETPERM              5
#define KEYCTL_DESCRIBE             6
#define KEYCTL_CLEAR                7
#define KEYCTL_LINK                 8
#define KEYCTL_UNLINK               9
#define KEYCTL_SEARCH               10
#define KEYCTL_READ                 11
#define KEYCTL_INSTANTIATE          12
#define KEYCTL_NEGATE               13
#define KEYCTL_SET_REQKEY_KEYRING   14
#define KEYCTL_SET_TIMEOUT          15
#define KEYCTL_ASSUME_AUTHORITY     16
#define KEYCTL_GET_SECURITY         17
#define KEYCTL_SESSION_TO_PARENT    18
#define KEYCTL_REJECT               19
#define KEYCTL_INSTANTIATE_IOV      20
#define KEYCTL_INVALIDATE           21
#define KEYCTL_GET_PERSISTENT       22
#define KEYCTL_DH_COMPUTE           23
#define KEYCTL_PKEY_QUERY           24
#define KEYCTL_PKEY_ENCRYPT         25
#define KEYCTL_PKEY_DECRYPT         26
#define KEYCTL_PKEY_SIGN            27
#define KEYCTL_PKEY_VERIFY          28
#define KEYCTL_RESTRICT_KEYRING     29
#define KEYCTL_MOVE                 30
#define KEYCTL_CAPABILITIES         31
#define KEYCTL_WATCH_KEY            32

/* Diffie-Hellman inputs: the keys holding the private value, prime and base. */
struct keyctl_dh_params {
	key_serial_t priv;
	key_serial_t prime;
	key_serial_t base;
};

/* Key derivation applied to a Diffie-Hellman result. */
struct keyctl_kdf_params {
	char *hashname;
	char *otherinfo;
	uint32_t otherinfolen;
	uint32_t __spare[8];
};

/* Bits of keyctl_pkey_query.supported_ops. */
#define KEYCTL_SUPPORTS_ENCRYPT 0x01
#define KEYCTL_SUPPORTS_DECRYPT 0x02
#define KEYCTL_SUPPORTS_SIGN    0x04
#define KEYCTL_SUPPORTS_VERIFY  0x08

struct keyctl_pkey_query {
	unsigned int   supported_ops; /* KEYCTL_SUPPORTS_* */
	unsigned int   key_size;      /* in bits */
	unsigned short max_data_size; /* largest input to sign, in bytes */
	unsigned short max_sig_size;  /* largest signature, in bytes */
	unsigned short max_enc_size;  /* largest encrypted blob, in bytes */
	unsigned short max_dec_size;  /* largest decrypted blob, in bytes */
	unsigned int   __spare[10];
};

#if defined(__GNUC__) || defined(__clang__)
#define KEYUTILS_ANON_UNION __extension__ union
#else
#define KEYUTILS_ANON_UNION union
#endif

struct keyctl_pkey_params {
	key_serial_t key_id;  /* the asymmetric key to use */
	unsigned int in_len;  /* size of the input */
	KEYUTILS_ANON_UNION {
		unsigned int out_len; /* size of the output buffer (encrypt, decrypt, sign) */
		unsigned int in2_len; /* size of the signature (verify) */
	};
	unsigned int __spare[7];
};

#undef KEYUTILS_ANON_UNION

/* keyctl_move() flag: fail with EEXIST rather than displace a key in the destination. */
#define KEYCTL_MOVE_EXCL 0x00000001

/* keyctl_capabilities() result: an array of bytes, each holding flags. */
#define KEYCTL_CAPS0_CAPABILITIES        0x01 /* KEYCTL_CAPABILITIES exists */
#define KEYCTL_CAPS0_PERSISTENT_KEYRINGS 0x02
#define KEYCTL_CAPS0_DIFFIE_HELLMAN      0x04
#define KEYCTL_CAPS0_PUBLIC_KEY          0x08
#define KEYCTL_CAPS0_BIG_KEY             0x10
#define KEYCTL_CAPS0_INVALIDATE          0x20
#define KEYCTL_CAPS0_RESTRICT_KEYRING    0x40
#define KEYCTL_CAPS0_MOVE                0x80
#define KEYCTL_CAPS1_NS_KEYRING_NAME     0x01 /* keyring names live in the user namespace */
#define KEYCTL_CAPS1_NS_KEY_TAG          0x02 /* keys may carry a namespace tag */
#define KEYCTL_CAPS1_NOTIFICATIONS       0x04 /* KEYCTL_WATCH_KEY exists */

/* The three system calls. */
extern key_serial_t add_key(const char *type, const char *description,
                            const void *payload, size_t plen,
                            key_serial_t ringid);
extern key_serial_t request_key(const char *type, const char *description,
                                const char *callout_info,
                                key_serial_t destringid);
extern long keyctl(int cmd, ...);

/* One wrapper per keyctl() operation; each returns -1 and sets errno on failure. */
extern key_serial_t keyctl_get_keyring_ID(key_serial_t id, int create);
extern key_serial_t keyctl_join_session_keyring(const char *name);
extern long keyctl_update(key_serial_t id, const void *payload, size_t plen);
extern long keyctl_revoke(key_serial_t id);
extern long keyctl_chown(key_serial_t id, uid_t uid, gid_t gid);
extern long keyctl_setperm(key_serial_t id, key_perm_t perm);
extern long keyctl_describe(key_serial_t id, char *buffer, size_t buflen);
extern long keyctl_clear(key_serial_t ringid);
extern long keyctl_link(key_serial_t id, key_serial_t ringid);
extern long keyctl_unlink(key_serial_t id, key_serial_t ringid);
extern long keyctl_search(key_serial_t ringid, const char *type,
                          const char *description, key_serial_t destringid);
extern long keyctl_read(key_serial_t id, char *buffer, size_t buflen);
extern long keyctl_instantiate(key_serial_t id, const void *payload,
                               size_t plen, key_serial_t ringid);
extern long keyctl_negate(key_serial_t id, unsigned timeout,
                          key_serial_t ringid);
extern long keyctl_set_reqkey_keyring(int reqkey_defl);
extern long keyctl_set_timeout(key_serial_t key, unsigned timeout);
extern long keyctl_assume_authority(key_serial_t key);
extern long keyctl_get_security(key_serial_t key, char *buffer, size_t buflen);
extern long keyctl_session_to_parent(void);
extern long keyctl_reject(key_serial_t id, unsigned timeout, unsigned error,
                          key_serial_t ringid);
struct iovec;
extern long keyctl_instantiate_iov(key_serial_t id,
                                   const struct iovec *payload_iov,
                                   unsigned ioc, key_serial_t ringid);
extern long keyctl_invalidate(key_serial_t id);
extern long keyctl_get_persistent(uid_t uid, key_serial_t id);
extern long keyctl_dh_compute(key_serial_t priv, key_serial_t prime,
                              key_serial_t base, char *buffer, size_t buflen);
extern long keyctl_dh_compute_kdf(key_serial_t priv, key_serial_t prime,
                                  key_serial_t base, char *hashname,
                                  char *otherinfo, size_t otherinfolen,
                                  char *buffer, size_t buflen);
extern long keyctl_restrict_keyring(key_serial_t keyring, const char *type,
                                    const char *restriction);
extern long keyctl_pkey_query(key_serial_t key_id, const char *info,
                              struct keyctl_pkey_query *result);
extern long keyctl_pkey_encrypt(key_serial_t key_id, const char *info,
                                const void *data, size_t data_len,
                                void *enc, size_t enc_len);
extern long keyctl_pkey_decrypt(key_serial_t key_id, const char *info,
                                const void *enc, size_t enc_len,
                                void *data, size_t data_len);
extern long keyctl_pkey_sign(key_serial_t key_id, const char *info,
                             const void *data, size_t data_len,
                             void *sig, size_t sig_len);
extern long keyctl_pkey_verify(key_serial_t key_id, const char *info,
                               const void *data, size_t data_len,
                               const void *sig, size_t sig_len);
extern long keyctl_move(key_serial_t id, key_serial_t from_ringid,
                        key_serial_t to_ringid, unsigned int flags);
extern long keyctl_capabilities(unsigned char *buffer, size_t buflen);
extern long keyctl_watch_key(key_serial_t id, int watch_queue_fd, int watch_id);

/*
 * Helpers that allocate their result with malloc(); the caller frees it.
 * The buffer is always NUL-terminated.
 */
extern int keyctl_describe_alloc(key_serial_t id, char **_buffer);
extern int keyctl_read_alloc(key_serial_t id, void **_buffer);
extern int keyctl_get_security_alloc(key_serial_t id, char **_buffer);
extern int keyctl_dh_compute_alloc(key_serial_t priv, key_serial_t prime,
                                   key_serial_t base, void **_buffer);

/* Keyring tree walking. */
typedef int (*recursive_key_scanner_t)(key_serial_t parent, key_serial_t key,
                                       char *desc, int desc_len, void *data);
extern int recursive_key_scan(key_serial_t key, recursive_key_scanner_t func,
                              void *data);
extern int recursive_session_key_scan(recursive_key_scanner_t func, void *data);
extern key_serial_t find_key_by_type_and_desc(const char *type,
                                              const char *desc,
                                              key_serial_t destringid);

#ifdef __cplusplus
}
#endif

#endif /* KEYUTILS_H */
