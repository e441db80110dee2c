"""key.dns_resolver -D against a real DNS server (dnsmasq) in private
namespaces: every query type, address families, lists, TTLs, negative
results and bad requests; with a reference binary, the same queries must
give the same results as keyutils 1.6.3's.
  test_mode.py OURS [REFERENCE]"""
import os, re, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dnsserver
from dnsserver import TTL

ours = os.path.abspath(sys.argv[1])
reference = sys.argv[2] if len(sys.argv) > 2 and os.access(sys.argv[2], os.X_OK) else None
dnsserver.enter_namespaces()

failures = []


def check(what, ok, detail=''):
    print('%s %s%s' % ('ok  ' if ok else 'FAIL', what, (': ' + detail) if not ok else ''))
    if not ok:
        failures.append(what)


def result(prog, *args):
    rc, text = dnsserver.run_on_tty([prog] + list(args))
    data = re.search(r"^I: The key instantiation data is '(.*)'$", text, re.M)
    expiry = re.search(r'^I: The expiry time is (\d+)s$', text, re.M)
    return rc, (data.group(1) if data else None), (int(expiry.group(1)) if expiry else None), text


# (description, callout, expected payload as a set of addresses or None for
# a negative result, expected expiry)
CASES = [
    ('one.test', '', {'10.0.0.1'}, 5),
    ('one.test.', '', {'10.0.0.1'}, 5),
    ('ONE.TEST', 'ipv4', {'10.0.0.1'}, 5),
    ('alias.test', '', {'10.0.0.1'}, 5),
    ('six.test', '', None, None),
    ('six.test', 'list', {'fd00::6'}, 5),
    ('dual.test', '', {'10.0.0.4'}, 5),
    ('six.test', 'ipv6', {'fd00::6'}, 5),
    ('six.test', 'ipv4', None, None),
    ('one.test', 'ipv6', None, None),
    ('dual.test', 'ipv4', {'10.0.0.4'}, 5),
    ('dual.test', 'ipv6', {'fd00::4'}, 5),
    ('dual.test', 'ipv6 ipv4', {'10.0.0.4'}, 5),
    ('dual.test', 'list', {'10.0.0.4', 'fd00::4'}, 5),
    ('multi.test', 'list', {'10.0.0.11', '10.0.0.12', 'fd00::11'}, 5),
    ('multi.test', 'list ipv4', {'10.0.0.11', '10.0.0.12'}, 5),
    ('a:one.test', '', {'10.0.0.1'}, 5),
    ('nx.test', '', None, None),
    ('nothere.test', '', None, None),
    ('slow.test', '', None, None),
    ('', '', None, None),
    ('afsdb:cell.test', '', {'10.1.0.1+7003', 'fd01::1+7003', '10.1.0.2+7005'}, TTL),
    ('afsdb:cell.test', 'ipv4', {'10.1.0.1+7003', '10.1.0.2+7005'}, TTL),
    ('afsdb:cell.test', 'ipv6', {'fd01::1+7003'}, TTL),
    ('afsdb:onesrv.test', '', {'10.1.0.1+7003', 'fd01::1+7003'}, TTL),
    ('afsdb:acell.test', '', {'10.1.0.1', 'fd01::1'}, TTL),
    ('afsdb:acell.test', 'ipv4', {'10.1.0.1'}, TTL),
    ('afsdb:nx.test', '', None, None),
    ('afsdb:', '', None, None),
]
# The name is all of the text after the fourth ';' of the description:
# 1.6.3 looks up only what follows the last ';' (one.test here).  Ours on
# purpose, so not compared with 1.6.3 below.
OURS_ONLY = [('bogus;one.test', '', None, None)]

with dnsserver.World():
    for desc, callout, want, expiry in CASES + OURS_ONLY:
        rc, data, got_expiry, text = result(ours, '-D', desc, callout)
        name = '-D %r %r' % (desc, callout)
        if want is None:
            check(name + ' is negative', rc == 0 and data is None and 'NS:' in text, text)
        else:
            got = set(data.split(',')) if data else set()
            check(name + ' -> ' + ','.join(sorted(want)), rc == 0 and got == want and
                  len(data.split(',')) == len(want) and got_expiry == expiry, text)

    # Negative results: the error and the configured timeouts, under -v.
    with tempfile.NamedTemporaryFile('w', suffix='.conf') as conf:
        conf.write('default_ttl = 9\nnegative_ttl = 33\ntemporary_failure_ttl = "44"\n')
        conf.flush()
        rc, data, exp, text = result(ours, '-c', conf.name, '-D', 'one.test', '')
        check('default_ttl from the config', exp == 9, text)
        rc, data, exp, text = result(ours, '-v', '-c', conf.name, '-D', 'nx.test', '')
        check('NXDOMAIN rejects with ENODATA for negative_ttl',
              'Reject the key with error 61, timeout 33s' in text, text)
        rc, data, exp, text = result(ours, '-v', '-c', conf.name, '-D', 'slow.test', '')
        check('an unanswered query rejects with EAGAIN for temporary_failure_ttl',
              'Reject the key with error 11, timeout 44s' in text, text)
        rc, data, exp, text = result(ours, '-v', '-c', conf.name, '-D', 'afsdb:nx.test', '')
        check('an unknown cell rejects with ENODATA', 'error 61, timeout 33s' in text, text)

    # Bad requests: clear errors, exit 1.
    for desc, callout, message in [
            ('foo:bar', '', 'Error: Query type: "foo" is not supported'),
            ('AFSDB:cell.test', '', 'Error: Query type: "AFSDB" is not supported'),
            ('one.test', 'ipv4,list', "Error: Option name 'ipv4,list' contains a comma")]:
        rc, data, exp, text = result(ours, '-D', desc, callout)
        check('-D %r %r fails clearly' % (desc, callout), rc == 1 and message in text, text)
    for args, message, code in [([], 'Usage:', 2), (['-D', 'x'], 'Usage:', 2), (['-x'], 'Usage:', 2),
                                (['abc'], 'Error: Invalid key ID format', 1),
                                ([''], 'Error: Invalid blank key ID', 1),
                                (['0'], 'Error: keyctl_describe_alloc failed', 1)]:
        rc, text = dnsserver.run_on_tty([ours] + args)
        check('%r fails with %d' % (args, code), rc == code and message in text, text)

    # The same queries through keyutils 1.6.3's program: same payload (as
    # a set: dnsmasq rotates its answers), same expiry, same messages.
    if reference:
        def normal(text):
            return re.sub(r"(data is ')(.*)(')", lambda m: m.group(1) + ','.join(sorted(m.group(2).split(','))) + m.group(3), text)
        for desc, callout, _, _ in CASES + [('foo:bar', '', 0, 0), ('one.test', 'ipv4,list', 0, 0)]:
            a = dnsserver.run_on_tty([reference, '-D', desc, callout])
            b = dnsserver.run_on_tty([ours, '-D', desc, callout])
            check('same as 1.6.3: -D %r %r' % (desc, callout),
                  (a[0], normal(a[1])) == (b[0], normal(b[1])), 'reference %r, ours %r' % (a, b))
        # -V shows each binary's own build date (SOURCE_DATE_EPOCH in package builds).
        def undated(text):
            return re.sub(r"\(\d{4}-\d{2}-\d{2}\)", "(DATE)", text)
        for args in (['-V'], [], ['-D', 'x'], ['abc'], ['--dump-config', '-c', '/nonexistent']):
            a = dnsserver.run_on_tty([reference] + args)
            b = dnsserver.run_on_tty([ours] + args)
            check('same as 1.6.3: %r' % args, a[0] == b[0] and
                  undated(a[1].replace(reference, ours).replace('key.dns_resolver', 'X')) ==
                  undated(b[1].replace('key.dns_resolver', 'X')), 'reference %r, ours %r' % (a, b))
    else:
        print('reference key.dns_resolver not found: differential part skipped')

print('%d failed' % len(failures))
sys.exit(1 if failures else 0)
