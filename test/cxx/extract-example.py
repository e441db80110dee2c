#!/usr/bin/env python3
"""Writes the program in a man page's EXAMPLE section (its first .EX/.EE
block) as C++ source, undoing the roff escapes the pages use.

Usage: extract-example.py PAGE OUTPUT"""
import re
import sys

ESCAPES = {r"\e": "\\", r"\-": "-", r"\(aq": "'", r"\(dq": '"', r"\&": "", r"\(ti": "~", r"\(ha": "^"}


def example(text):
    section = re.search(r"^\.SH EXAMPLES?\n(.*?)(?=^\.SH |\Z)", text, flags=re.M | re.S)
    if not section:
        raise SystemExit("no EXAMPLE section")
    block = re.search(r"^\.EX\n(.*?)^\.EE", section.group(1), flags=re.M | re.S)
    if not block:
        raise SystemExit("no .EX block in the EXAMPLE section")
    code = block.group(1)
    for roff, plain in ESCAPES.items():
        code = code.replace(roff, plain)
    return code


def main():
    page, output = sys.argv[1], sys.argv[2]
    with open(page) as f:
        code = example(f.read())
    with open(output, "w") as f:
        f.write(f"// Extracted from {page.rsplit('/', 1)[-1]}; do not edit.\n" + code)


if __name__ == "__main__":
    main()
