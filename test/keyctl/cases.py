"""Command sequences for the differential keyctl test.

`r ARGS` runs and records `keyctl ARGS`; other lines are setup run with the
keyctl under test ($K).  Each sequence starts in a fresh empty session keyring.
Keep each one small: unprivileged users have a quota of 200 keys.
"""

ALL_COMMANDS = """add chgrp chown clear describe dh_compute dh_compute_kdf dh_compute_kdf_oi
get_persistent id instantiate invalidate link list move negate newring padd pinstantiate pipe
pkey_query pkey_encrypt pkey_decrypt pkey_sign pkey_verify prequest2 print pupdate purge
rdescribe read reject request request2 restrict_keyring revoke rlist search security setperm
timeout unlink update watch watch_add watch_rm watch_session watch_sync""".split()

CASES = []


def case(name, script):
    CASES.append((name, script))


# --- command line shape -----------------------------------------------------
case("no-command", "r\nr --help\nr foo\nr sho\nr -x\nr --versio\nr --test\nr --test x")
case("version", "r --version\nr --version extra")
case("missing-args", "\n".join("r " + c for c in ALL_COMMANDS))
case("too-many-args", "\n".join([
    "r add user a b @s x", "r add -y user a b @s", "r padd user a @s x </dev/null",
    "r chgrp @s 0 1", "r chown @s 0 1", "r clear @s x", "r describe @s x",
    "r rdescribe @s : x", "r rdescribe @s ''", "r id @s x", "r invalidate @s x", "r link @s @s x",
    "r list @s x", "r rlist @s x", "r move @s @s @s x", "r move -g @s @s @s",
    "r negate 1 1 @s x", "r new_session a b", "r newring a @s x", "r pipe @s x",
    "r print @s x", "r read @s x", "r reap -v x", "r reap -x", "r reject 1 1 1 @s x",
    "r request user a @s x", "r request2 user a b @s x", "r prequest2 user a @s x",
    "r restrict_keyring @s a b c", "r revoke @s x", "r search @s user a @s x",
    "r security @s x", "r setperm @s 0 1", "r show @s @s", "r show -x -x", "r show -y",
    "r supports a b", "r timeout @s 1 2", "r unlink @s @s x", "r update @s a b",
    "r pupdate @s x", "r instantiate 1 a @s x", "r pinstantiate 1 @s x",
    "r purge user a b", "r purge -x user", "r purge -s user", "r purge -s -i user a",
    "r purge -i user", "r get_persistent @s 0 1", "r watch_sync 1 2",
    "r dh_compute 1 2 3 4", "r dh_compute_kdf 1 2 3 4", "r pkey_query",
]))

# --- key identifiers --------------------------------------------------------
case("key-ids", "\n".join("r id '%s'" % k for k in [
    "0", "-1", "-2", "-3", "-4", "-5", "-6", "-7", "-8", "-9", "@t", "@p", "@s", "@u", "@us",
    "@g", "@a", "@x", "@", "@ss", "", "abc", "12abc", "0x", "-", "+5", " 5", "5 ", "1e3",
    "99999999999", "2147483648", "-2147483648", "4294967295", "-4294967295", "0xffffffff",
    "99999999999999999999999", "%", "%user", "%:", "%user:", "%user:nosuch", "%:nosuch",
    "%nosuchtype:x",
    # 1.6.3 reads IDs with strtoul: past LONG_MAX a number still wraps
    # (-3 below on a 32-bit machine, 0 for 2^63 on a 64-bit one), and a
    # negative one is negated modulo the width.
    "4294967293", "-4294967293", "0xfffffffd", "4294967296", "9223372036854775808",
    "-9223372036854775808", "18446744073709551613", "-2147483649",
]))
case("key-by-name", r"""
k=$($K add user findme data @s)
r=$($K newring ringname @s)
r id %user:findme
r id %:ringname
r id %keyring:ringname
r describe %user:findme
r print %user:findme
r id %logon:findme
""")

# --- adding and updating ----------------------------------------------------
case("add", r"""
r add user a hello @s
r add user a again @s
r add user "" x @s
r add "" a x @s
r add nosuchtype a x @s
r add user a x 0
r add user a "" @s
r add keyring kr "" @s
r add logon nocolon x @s
r add logon lg:x x @s
r add user b x @x
r add user b x 12345
r add user b x abc
r list @s
""")
case("add-hex", r"""
r add -x user h "01 02 0a" @s
r read %user:h
r add -x user h 0102z @s
r add -x user h 012 @s
r add -x user h "" @s
r add -x user h " 0 1 0 2 " @s
r add -x user h 0X @s
r add -x user h AbCd @s
r read %user:h
r add -x user h zz @x
r add -x user h "	ab
cd  " @s
r print %user:h
""")
case("padd", r"""
printf hello | r padd user p @s
printf '6869\n0a' | r padd -x user p2 @s
r read %user:p2
r padd user p3 @s </dev/null
printf zz | r padd -x user p4 @s
printf abc | r padd -x user p4 @s
printf x | r padd user p5 @x
head -c 40000 /dev/zero | r padd user big @s
head -c 32767 /dev/zero | r padd user big @s
""")
case("update", r"""
k=$($K add user a x @s)
r update $k newdata
r print $k
r update -x $k 4142
r print $k
printf zz | r pupdate $k
r print $k
printf 7a7a | r pupdate -x $k
r print $k
r update -x $k zz
r update -x @x zz
r update @s x
r update 12345 x
r update @x x
printf zz | r pupdate -x $k
""")
case("newring", r"""
r newring nr @s
r newring nr @s
r newring "" @s
r newring nr 0
r newring nr @x
r newring nr 12345
""")

# --- display ----------------------------------------------------------------
case("show", r"""
k1=$($K add user "my;key" "hello world" @s)
r1=$($K newring ring1 @s)
k2=$($K add user k2 x $r1)
k3=$($K add logon "lg:x" secret $r1)
r2=$($K newring ring2 $r1)
$K link $k1 $r2
r3=$($K newring ring3 $r2)
$K add user deep x $r3 >/dev/null
$K add user z x @s >/dev/null
r show
r show -x
r show $r1
r show -x $r2
r show $k1
r show @s
r show 12345
r show @x
r show abc
""")
case("show-inaccessible", r"""
r1=$($K newring r @s)
k=$($K add user revoked x $r1)
$K add user after x $r1 >/dev/null
$K revoke $k
r2=$($K newring unreadable $r1)
$K add user inside x $r2 >/dev/null
$K setperm $r2 0x09000000
r3=$($K newring noview @s)
$K setperm $r3 0x00000000
r show
r list $r1
r rlist $r1
r list $r2
r describe $k
r describe $r3
r rdescribe $r3
r show $k
""")
case("list", r"""
r list @s
r rlist @s
k=$($K add user a x @s)
r list @s
r rlist @s
$K add user b x @s >/dev/null
$K newring c @s >/dev/null
r list @s
r rlist @s
r list $k
r rlist $k
r list 12345
r rlist 12345
r list @x
""")
case("describe", r"""
k=$($K add user "semi;colon;desc" x @s)
r describe $k
r describe @s
r rdescribe $k
r rdescribe $k "|"
r rdescribe $k abc
r rdescribe $k ""
r rdescribe @s :
r describe 12345
r rdescribe 12345
r describe 0
r describe @x
""")
case("perm-strings", "\n".join(
    ["r%d=$($K newring r%d @s); k%d=$($K add user k%d x $r%d); $K setperm $k%d %s; r list $r%d; r show $r%d; r describe $k%d"
     % (i, i, i, i, i, i, p, i, i, i)
     for i, p in enumerate(["0x3f000000", "0x0b000000", "0x09020000", "0x09000200",
                            "0x09000002", "0x0b003f00", "0x0b00003f", "0x00010000",
                            "0x3f3f3f3f", "0x01000000"])]))
case("read-print-pipe", r"""
for n in 1 4 5 32 33 100; do k=$($K add user p$n "$(head -c $n /dev/zero | tr '\0' a)" @s); r read $k; done
e=$($K newring empty @s)
r read $e
r print $e
r pipe $e
r rlist $e
for s in 'a\nb' 'a\tb' 'a b~' 'caf\303\251' 'a\177' '\033' 'plain'; do
    k=$($K add user s "$(printf "$s")" @s); r print $k; r pipe $k; r read $k
done
l=$($K add logon lg:x secret @s)
r read $l
r print $l
r pipe $l
r read 12345
r print 12345
r pipe 12345
r read 0
""")

# --- links ------------------------------------------------------------------
case("link-unlink", r"""
k=$($K add user a x @s)
r1=$($K newring r1 @s)
r2=$($K newring r2 @s)
r link $k $r1
r link $k $r1
r link $r1 $r1
r link $k $k
r link 12345 @s
r link @x @s
r unlink $k $r1
r unlink $k $r1
r link $k $r1
r link $k $r2
r unlink $k
r unlink $k
r unlink 0
r unlink 12345
r unlink @x
r unlink $k 12345
""")
case("move", r"""
r1=$($K newring r1 @s)
r2=$($K newring r2 @s)
k=$($K add user a x @s)
r move $k @s $r1
r move $k @s $r1
r move $k $r1 $r2
k2=$($K add user a y $r1)
r move $k2 $r1 $r2
r move -f $k2 $r1 $r2
r list $r2
r move @x @s @s
r move 12345 @s $r1
""")
case("search-request", r"""
k=$($K add user a x @s)
r1=$($K newring r1 @s)
r search @s user a
r search @s user a $r1
r search @s user zz
r search @s keyring r1
r search $k user a
r search @s nosuch a
r search @x a b
r search @s a b @x
r request user a
r request user zz
r request user a $r1
r request user a @x
r list $r1
""")
case("clear-revoke-invalidate", r"""
r1=$($K newring r @s)
$K add user a x $r1 >/dev/null
k=$($K add user b x @s)
r clear $r1
r list $r1
r clear $k
r clear 12345
r revoke $k
r revoke $k
r describe $k
r read $k
r update $k y
r invalidate $r1
r invalidate $r1
r invalidate 12345
""")
case("timeout-expiry", r"""
k=$($K add user a x @s)
r timeout $k 100
r timeout $k 0
r timeout $k abc
r timeout $k 10x
r timeout $k 0x10
r timeout $k 010
r timeout $k ""
r timeout $k 1.5
r timeout @x 5
r timeout 12345 5
e=$($K add user expiring x @s)
$K timeout $e 1
sleep 1.5
r describe $e
r read $e
r print $e
r show
r list @s
r reap
r list @s
""")
case("setperm-chown", r"""
k=$($K add user a x @s)
r setperm $k 0x3f010000
r setperm $k 077
r setperm $k abc
r setperm $k 0x
r setperm $k 4294967295
r setperm $k 0x3f010000x
r setperm 12345 0
r setperm @x abc
r setperm $k 0x3f3f0000
r chgrp $k abc
r chown $k abc
r chgrp $k 5x
r chown $k 5x
r chgrp $k -1
r chown $k -1
r chown $k 4294967295
r chgrp 12345 0
r chgrp @x abc
r describe $k
r setperm $k 0
r describe $k
r read $k
r update $k y
""")
case("security-id", r"""
r security @s
r security 0
r security 12345
r id @s
r id @u
r id @us
""")
case("persistent", r"""
r get_persistent @s abc
r get_persistent 0
r get_persistent @x
r get_persistent 12345
""")
case("restrict", r"""
r1=$($K newring rr @s)
r restrict_keyring $r1
r link @u $r1
r2=$($K newring rr2 @s)
r restrict_keyring $r2 user
r restrict_keyring $r2 asymmetric
r restrict_keyring $r2 asymmetric builtin_trusted
r restrict_keyring 12345
r restrict_keyring @x
""")
case("instantiate-outside-upcall", r"""
k=$($K add user a x @s)
r instantiate $k data @s
r instantiate -x $k zz @s
r instantiate -x $k 6162 @s
r pinstantiate $k @s </dev/null
r negate $k 10 @s
r negate $k abc @s
r negate @x abc @s
r reject $k 10 rejected @s
r reject $k 10 expired @s
r reject $k 10 revoked @s
r reject $k 10 64 @s
r reject $k 10 foo @s
r reject $k x 1 @s
r reject $k 10 -1 @s
r reject $k 10 0x10 @s
r reject @x abc foo @y
""")
case("negative-keys", r"""
r request2 user neg info @s
r prequest2 user neg2 @s </dev/null
r request2 user neg3 info
r list @s
r show
""")
# /proc/keys shows a negative key's description with no ": payload summary"
# after it; %type:desc must still find it there.
case("key-by-name-negative", r"""
r request2 user neg info @s
r read %user:neg
r describe %user:neg
""")
case("purge", r"""
r1=$($K newring r @s)
$K add user abc x $r1 >/dev/null
$K add user abc x @s >/dev/null
$K add user Abc x @s >/dev/null
$K add user abcd x @s >/dev/null
$K add logon abc:1 x @s >/dev/null
r purge user abc
r purge -i user abc
r purge -p user ab
r purge -s user abc
$K add user abc x $r1 >/dev/null
$K add user xyz x @s >/dev/null
r purge -s user abc
r purge -ip user X
r purge -i -p user x
r purge user
r purge keyring
r show
r purge -s logon abc:1
""")
case("reap", r"""
r1=$($K newring r @s)
k=$($K add user a x $r1)
k2=$($K add user b x @s)
$K link $k2 $r1
$K revoke $k2
k3=$($K add user c x $r1)
$K timeout $k3 1
sleep 1.2
r reap -v
r reap
r show
""")
case("supports", r"""
r supports
r supports --raw
for c in capabilities persistent_keyrings dh_compute public_key big_key_type key_invalidate restrict_keyring move_key ns_keyring_name ns_key_tag notify foo pkey ""; do r supports "$c"; done
""")
case("session", r"""
r session - true
r session - false
r session - /nonexistent
r session - sh -c 'echo in; exit 3'
r session named sh -c '$K rdescribe @s'
r session - sh -c '$K rdescribe @s'
r session "" true
SHELL=/bin/echo r session
SHELL=/bin/echo r session -
SHELL=/bin/echo r session nm
r new_session
r new_session nm
""")
case("dh-pkey-watch", r"""
k=$($K add user a x @s)
echo hi > $T/d
r dh_compute $k $k $k
r dh_compute @x $k $k
r dh_compute_kdf $k $k $k 10 sha256
r dh_compute_kdf $k $k $k x sha256
r dh_compute_kdf $k $k $k -1 sha256
echo abc | r dh_compute_kdf_oi $k $k $k 10 sha256
echo zz | r dh_compute_kdf_oi -x $k $k $k 10 sha256
r pkey_query $k 0
r pkey_query $k 0 enc=pkcs1 hash=sha256
r pkey_query $k 1
r pkey_query $k 0 foo
r pkey_query 12345 0
r pkey_encrypt $k 0 $T/d
r pkey_encrypt $k 0 /nonexistent
r pkey_decrypt $k 0 $T/d
r pkey_sign $k 0 $T/d
r pkey_verify $k 0 $T/d $T/d
r watch $k
r watch -fabc $k
r watch -f 123
r watch -fi @x
r watch_add 5 $k
r watch_rm 5 $k
r watch_sync 5
r watch_session a b 5 true
""")

# --- found by the randomized differential fuzzer (fuzz.py) --------------------
# move takes -f only with three words after it; otherwise it is the key.
case("fuzz-move-force", r"""
k=$($K add user a x @s)
r move -f $k @s
r move -f -f @s @s
r move -x $k @s @s
r move -f $k @s @s x
""")
# The pkey commands check their key=val options before the key and password.
case("fuzz-pkey-option-order", r"""
k=$($K add user a x @s)
r pkey_query %user:nosuch 1 foo
r pkey_query abc 1 foo
r pkey_query -f $k 0
r pkey_encrypt abc 1 nofile foo
r pkey_verify $k 1 nofile nofile bar
""")
# An empty file name is reported as perror("") does: no ": ".
case("fuzz-empty-file-name", r"""
k=$($K add user a x @s)
r pkey_encrypt $k 0 ''
r pkey_verify $k 0 /dev/null ''
""")
case("fuzz-test-extra-words", "r --test limits x\nr --test limits2 y\nr --test x")
# watch and watch_session read their options with getopt(3); the target fd
# of watch_session must be 3 to 9.
case("fuzz-watch-options", r"""
k=$($K add user a x @s)
r watch -x $k
r watch -f
r watch -n $k
r watch -fz $k
r watch_session -v
r watch_session -n
r watch_session -x a b 5 true
r watch_session a b 2 true
r watch_session a b '' true
r watch_session a b 0x5 true
r watch_session a b 10 true
""")
# Which argument is checked first decides the error of a bad command line.
case("fuzz-argument-order", r"""
k=$($K add user a x @s)
r instantiate -x $k zz @x
echo zz | r pupdate -x %user:nosuch
echo zz | r dh_compute_kdf_oi -x %user:nosuch 1 1 10 sha256
echo zz | r dh_compute_kdf_oi -x $k $k $k -1 sha256
echo zz | r dh_compute_kdf_oi -x $k $k @x 10 sha256
r dh_compute_kdf $k $k $k -5 sha256
""")
