/*
 * A program built against Debian's libkeyutils-dev (header and library).
 * It exercises the library and prints what it sees, without key IDs, so the
 * output can be compared between Debian's library and ours.  The path of the
 * library actually loaded goes to stderr.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <keyutils.h>

static void show(const char *what, long rc)
{
	if (rc < 0)
		printf("%s: -1 (%s)\n", what, strerror(errno));
	else
		printf("%s: ok\n", what);
}

static int count(key_serial_t parent, key_serial_t key, char *desc, int len, void *data)
{
	(void)parent; (void)key;
	printf("  scan: %s (%d)\n", desc ? strchr(desc, ';') ? desc : desc : "(none)", len);
	++*(int *)data;
	return 1;
}

int main(void)
{
	Dl_info info;
	key_serial_t ring, k, k2;
	char *desc = NULL;
	void *payload = NULL;
	int n, calls = 0;
	unsigned char caps[2] = {0, 0};
	struct iovec iov[2];

	if (dladdr((void *)keyctl_read, &info) && info.dli_fname)
		fprintf(stderr, "library: %s\n", info.dli_fname);

	printf("version: %s\n", keyutils_version_string);
	show("join", keyctl_join_session_keyring(NULL));
	ring = add_key("keyring", "probe:ring", NULL, 0, KEY_SPEC_SESSION_KEYRING);
	show("keyring", ring);
	k = add_key("user", "probe:key", "payload", 7, ring);
	show("add", k);
	n = keyctl_describe_alloc(k, &desc);
	printf("describe: %d %s\n", n, n >= 0 ? strchr(strchr(desc, ';') + 1, ';') : "");
	free(desc);
	n = keyctl_read_alloc(k, &payload);
	printf("read: %d %s\n", n, n >= 0 ? (char *)payload : "");
	free(payload);
	show("update", keyctl_update(k, "new", 3));
	n = keyctl_read_alloc(k, &payload);
	printf("read: %d %s\n", n, n >= 0 ? (char *)payload : "");
	free(payload);
	printf("search same: %d\n", keyctl_search(ring, "user", "probe:key", 0) == k);
	show("search missing", keyctl_search(ring, "user", "probe:none", 0));
	printf("request same: %d\n", request_key("user", "probe:key", NULL, 0) == k);
	printf("find same: %d\n", find_key_by_type_and_desc("user", "probe:key", 0) == k);
	show("setperm", keyctl_setperm(k, KEY_POS_ALL | KEY_USR_VIEW));
	show("set_timeout", keyctl_set_timeout(k, 1000));
	show("link to self", keyctl_link(ring, ring));
	show("link to key", keyctl_link(ring, k));
	k2 = add_key("user", "probe:other", "x", 1, KEY_SPEC_SESSION_KEYRING);
	show("move", keyctl_move(k2, KEY_SPEC_SESSION_KEYRING, ring, 0));
	show("move again", keyctl_move(k2, KEY_SPEC_SESSION_KEYRING, ring, 0));
	n = recursive_key_scan(ring, count, &calls);
	printf("scan: %d %d\n", n, calls);
	show("instantiate without authority", keyctl_instantiate(k, "x", 1, 0));
	iov[0].iov_base = "a"; iov[0].iov_len = 1;
	iov[1].iov_base = "b"; iov[1].iov_len = 1;
	show("instantiate_iov without authority", keyctl_instantiate_iov(k, iov, 2, 0));
	show("reject without authority", keyctl_reject(k, 1, EKEYREJECTED, 0));
	n = (int)keyctl_capabilities(caps, sizeof caps);
	printf("capabilities: %d %02x %02x\n", n, caps[0], caps[1]);
	show("dh_compute", keyctl_dh_compute(k, k, k, NULL, 0));
	show("revoke", keyctl_revoke(k));
	show("read revoked", keyctl_read(k, NULL, 0));
	show("unlink", keyctl_unlink(k2, ring));
	show("unlink again", keyctl_unlink(k2, ring));
	show("invalidate", keyctl_invalidate(k2));
	show("clear", keyctl_clear(ring));
	show("describe missing", keyctl_describe(0x7ffffff0, NULL, 0));
	printf("keyctl(): %d\n", keyctl(KEYCTL_GET_KEYRING_ID, ring, 0) == ring);
	return 0;
}
