/*
 * Compiles keyutils.h under strict standards (C89 -pedantic, and as C++ via
 * header.cpp), takes the address of every declared function, and checks the
 * kernel ABI structures' layout.
 */
#include <stddef.h>
#include <stdio.h>
#include <keyutils.h>

typedef void (*any_fn)(void);

int main(void)
{
	static const any_fn fns[] = {
		(any_fn)add_key, (any_fn)request_key, (any_fn)keyctl,
		(any_fn)keyctl_get_keyring_ID, (any_fn)keyctl_join_session_keyring,
		(any_fn)keyctl_update, (any_fn)keyctl_revoke, (any_fn)keyctl_chown,
		(any_fn)keyctl_setperm, (any_fn)keyctl_describe, (any_fn)keyctl_clear,
		(any_fn)keyctl_link, (any_fn)keyctl_unlink, (any_fn)keyctl_search,
		(any_fn)keyctl_read, (any_fn)keyctl_instantiate, (any_fn)keyctl_negate,
		(any_fn)keyctl_set_reqkey_keyring, (any_fn)keyctl_set_timeout,
		(any_fn)keyctl_assume_authority, (any_fn)keyctl_get_security,
		(any_fn)keyctl_session_to_parent, (any_fn)keyctl_reject,
		(any_fn)keyctl_instantiate_iov, (any_fn)keyctl_invalidate,
		(any_fn)keyctl_get_persistent, (any_fn)keyctl_dh_compute,
		(any_fn)keyctl_dh_compute_kdf, (any_fn)keyctl_restrict_keyring,
		(any_fn)keyctl_pkey_query, (any_fn)keyctl_pkey_encrypt,
		(any_fn)keyctl_pkey_decrypt, (any_fn)keyctl_pkey_sign,
		(any_fn)keyctl_pkey_verify, (any_fn)keyctl_move,
		(any_fn)keyctl_capabilities, (any_fn)keyctl_watch_key,
		(any_fn)keyctl_describe_alloc, (any_fn)keyctl_read_alloc,
		(any_fn)keyctl_get_security_alloc, (any_fn)keyctl_dh_compute_alloc,
		(any_fn)recursive_key_scan, (any_fn)recursive_session_key_scan,
		(any_fn)find_key_by_type_and_desc
	};
	struct keyctl_pkey_params params;
	int bad = 0;
	size_t i;

	for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (!fns[i])
			bad++;
	if (sizeof fns / sizeof fns[0] != 44)
		bad++;

	/* The layouts the kernel expects. */
	if (sizeof(key_serial_t) != 4 || sizeof(key_perm_t) != 4)
		bad++;
	if (sizeof(struct keyctl_dh_params) != 12)
		bad++;
	if (sizeof(struct keyctl_pkey_query) != 56)
		bad++;
	if (sizeof(struct keyctl_pkey_params) != 40)
		bad++;
	if (offsetof(struct keyctl_kdf_params, otherinfolen) != 2 * sizeof(char *))
		bad++;
	params.out_len = 7;
	if (params.in2_len != 7 || offsetof(struct keyctl_pkey_params, out_len) != 8)
		bad++;

	if (KEY_POS_ALL != 0x3f000000 || KEY_USR_ALL != 0x003f0000 ||
	    KEY_GRP_ALL != 0x00003f00 || KEY_OTH_ALL != 0x0000003f)
		bad++;
	if (KEYCTL_WATCH_KEY != 32 || KEY_SPEC_REQKEY_AUTH_KEY != -7 ||
	    KEYCTL_CAPS1_NOTIFICATIONS != 0x04 || KEYCTL_MOVE_EXCL != 1)
		bad++;

	if (bad)
		printf("%d header checks failed\n", bad);
	return bad != 0;
}
