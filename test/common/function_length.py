#!/usr/bin/env python3
"""No function of the tools or of the library is longer than LIMIT lines.

usage: function_length.py LIMIT FILE...

A function body here is what lies between a line holding only "{" and the
next line holding only "}" at the same indentation, right after a line that
ends a signature (a ")" possibly followed by qualifiers): the layout every
.cpp file of tools/ and lib/ uses.  Lambdas and class bodies are not counted
apart from the function they sit in.
"""
import re
import sys

SIGNATURE_END = re.compile(r"\)\s*(const|noexcept|override|final|\s)*$")


def long_functions(path, limit):
    lines = open(path, encoding="utf-8").read().split("\n")
    found = []
    open_at = None
    indent = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if open_at is None:
            if stripped == "{" and i > 0 and SIGNATURE_END.search(lines[i - 1]):
                open_at, indent = i, line[: len(line) - len(line.lstrip())]
        elif line == indent + "}":
            body = i - open_at - 1
            if body > limit:
                found.append((open_at, body, lines[open_at - 1].strip()))
            open_at = None
    return found


def main():
    limit = int(sys.argv[1])
    bad = 0
    for path in sys.argv[2:]:
        for line, body, signature in long_functions(path, limit):
            print("%s:%d: %d lines (over %d): %s" % (path, line, body, limit, signature))
            bad += 1
    print("%d files, %d functions over %d lines" % (len(sys.argv) - 2, bad, limit))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
