#!/usr/bin/env python3
"""Fails when a public name of keyutils.hpp's parts is missing from the
section-3 pages that document them.

Usage: check-man-names.py INCLUDE_DIR PAGE...

Public names are read from include/keyutils/*.hpp (the internal
kernel_format.hpp and c_api.hpp aside): namespace-scope classes, enums,
aliases, functions and constants; the enumerators; and the members in the
public part of each class, outside namespace detail. A name counts as
documented when a page shows it in bold or italics, or in a synopsis or
example line."""
import pathlib
import re
import sys

INTERNAL = {"kernel_format.hpp", "c_api.hpp"}
KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "static_assert", "decltype",
            "operator", "noexcept", "alignof", "defined", "case", "default", "throw", "new", "delete",
            "static_cast", "reinterpret_cast", "const_cast", "explicit", "constexpr", "template", "typename",
            "enable_if_t", "is_same_v", "requires"}


def strip_comments_and_strings(text):
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\])*'", "''", text)
    return text


def public_names(path):
    """Names declared where a user can reach them."""
    text = strip_comments_and_strings(path.read_text())
    text = re.sub(r"^\s*#.*$", "", text, flags=re.M)
    names = set()
    # A stack of scopes: (kind, public?) where kind is namespace/class/enum/other.
    stack = []
    pending = None  # what the next '{' opens
    access_public = []
    i = 0
    tokens = re.findall(r"[A-Za-z_]\w*|::|[{};:()<>=,~&*\[\]]|\S", text)
    visible = lambda: all(p for _, p in stack)
    depth_fn = 0
    prev = []
    while i < len(tokens):
        t = tokens[i]
        if t == "namespace":
            name = tokens[i + 1] if tokens[i + 1] != "{" else ""
            pending = ("namespace", name not in ("detail", "std"))
        elif t in ("class", "struct", "union") and (not prev or prev[-1] not in ("enum", "<", ",", "friend")):
            j = i + 1
            while tokens[j] == "[":
                while tokens[j] != "]":
                    j += 1
                j += 2
            name = tokens[j]
            # forward declarations and elaborated types end in ';' or are used in declarations
            k = j + 1
            while k < len(tokens) and tokens[k] not in ("{", ";", "(", ")", ",", ">", "="):
                k += 1
            if tokens[k] == "{":
                if visible() and re.match(r"[A-Za-z_]", name):
                    names.add(name)
                pending = ("class", t != "class")
        elif t == "enum":
            j = i + 1
            if tokens[j] in ("class", "struct"):
                j += 1
            name = tokens[j]
            if visible():
                names.add(name)
            pending = ("enum", True)
        elif t == "{":
            if pending:
                stack.append(pending)
                pending = None
            else:
                stack.append(("block", False))
        elif t == "}":
            if stack:
                stack.pop()
        elif t in ("public", "private", "protected") and i + 1 < len(tokens) and tokens[i + 1] == ":":
            if stack and stack[-1][0] == "class":
                stack[-1] = ("class", t == "public")
        elif stack and stack[-1][0] == "enum" and visible() and re.match(r"[A-Za-z_]\w*$", t) \
                and (prev and prev[-1] in ("{", ",")) :
            names.add(t)
        elif visible() and stack and stack[-1][0] in ("namespace", "class") and re.match(r"[A-Za-z_]\w*$", t):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if t == "using" and nxt != "namespace" and tokens[i + 2] == "=":
                names.add(nxt)
            elif nxt == "(" and t not in KEYWORDS and (not prev or prev[-1] not in (".", "->", "::", "=", "(", ",", "return")):
                if not (prev and prev[-1] == "~"):
                    names.add(t)
            elif nxt in ("=", ";", "{") and prev and re.match(r"[A-Za-z_>\]*&]", prev[-1]) \
                    and prev[-1] not in ("return", "using", "namespace", "class", "struct", "enum", "case", "default", "public", "private", "protected", "else", "operator") \
                    and stack[-1][0] in ("class", "namespace"):
                names.add(t)
        prev.append(t)
        i += 1
    return {n for n in names if not n.endswith("_") and n not in KEYWORDS and n != "std"}


def documented(pages):
    """The words a page shows in bold or italics (\\fB, \\fI, .B, .I, .BR,
    .IR and the like) or in its no-fill blocks (.nf to .fi: synopses and
    examples); running text alone does not count."""
    words = set()
    for page in pages:
        nofill = False
        for line in pathlib.Path(page).read_text().splitlines():
            if line.startswith((".nf", ".EX")):
                nofill = True
            elif line.startswith((".fi", ".EE")):
                nofill = False
            if nofill:
                shown = line
            elif re.match(r"\.(B|I|BR|RB|BI|IB|IR|RI|SM|SB)\b", line):
                shown = line.split(None, 1)[1] if " " in line else ""
            else:
                shown = " ".join(re.findall(r"\\f[BI](.*?)(?=\\f[RP]|$)", line))
            words.update(re.findall(r"[A-Za-z_]\w*", shown.replace("\\f", " ")))
    return words


def main():
    include = pathlib.Path(sys.argv[1])
    pages = sys.argv[2:]
    known = documented(pages)
    missing = []
    for header in sorted((include / "keyutils").glob("*.hpp")):
        if header.name in INTERNAL:
            continue
        for name in sorted(public_names(header)):
            if name not in known:
                missing.append(f"{header.name}: {name}")
    for m in missing:
        print("undocumented:", m)
    print(f"{len(pages)} pages checked")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
