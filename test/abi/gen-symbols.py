#!/usr/bin/env python3
"""Writes debian/libkeyutils1.symbols from the committed ABI list.

The list (test/abi/libkeyutils.so.1.symbols) is what the ABI test checks the
library against; the minimum versions are the Debian releases of keyutils
that first shipped each version node (or symbol), so that packages built
against this library depend on a libkeyutils1 that really provides it.

  gen-symbols.py ABI-LIST            print the symbols file
  gen-symbols.py ABI-LIST SYMBOLS    exit 1 if SYMBOLS differs from it
"""
import sys

NODE_MINVER = {
    'KEYUTILS_0.3': '1.4', 'KEYUTILS_1.0': '1.4', 'KEYUTILS_1.3': '1.4',
    'KEYUTILS_1.4': '1.5.2', 'KEYUTILS_1.5': '1.5.9', 'KEYUTILS_1.6': '1.6',
    'KEYUTILS_1.7': '1.6', 'KEYUTILS_1.8': '1.6.1', 'KEYUTILS_1.9': '1.6.1',
    'KEYUTILS_1.10': '1.6.3',
}
# Where a symbol or a node's own name came later than its node's functions.
OVERRIDES = {
    'keyctl_invalidate@KEYUTILS_1.4': '1.5.6',
    'KEYUTILS_1.9@KEYUTILS_1.9': '1.6.3',
    'keyctl_restrict_keyring@Base': '1.6',
    'keyutils_build_string@Base': '1.5.5',
    'keyutils_version_string@Base': '1.5.5',
}


def generate(abi_list):
    entries = {}
    for node, ver in NODE_MINVER.items():
        entries['%s@%s' % (node, node)] = ver
    for line in open(abi_list):
        sym = line.split()[0]
        name, _, node = sym.partition('@')
        if sym in OVERRIDES:
            entries[sym] = OVERRIDES[sym]
        elif node in NODE_MINVER:
            entries[sym] = NODE_MINVER[node]
        else:
            sys.exit('gen-symbols: no minimum version known for %s' % sym)
    for sym, ver in OVERRIDES.items():
        entries[sym] = ver
    out = ['libkeyutils.so.1 libkeyutils1 #MINVER#',
           '* Build-Depends-Package: libkeyutils-dev']
    out += [' %s %s' % (sym, entries[sym]) for sym in sorted(entries)]
    return '\n'.join(out) + '\n'


def main():
    text = generate(sys.argv[1])
    if len(sys.argv) < 3:
        sys.stdout.write(text)
        return 0
    committed = open(sys.argv[2]).read()
    if committed != text:
        print('%s is out of date: regenerate it with\n  %s %s > %s'
              % (sys.argv[2], sys.argv[0], sys.argv[1], sys.argv[2]))
        return 1
    print('%s matches the ABI list (%d symbols)' % (sys.argv[2], text.count('\n') - 2))
    return 0


sys.exit(main())
