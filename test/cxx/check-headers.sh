#!/bin/sh
# Compiles keyutils.hpp and each of its parts on its own, with every compiler
# given, as C++17 and C++20, warning-free under -Wall -Wextra -Wpedantic
# -Wconversion -Wshadow; then checks that dropping a [[nodiscard]] result is
# diagnosed.  Usage: check-headers.sh INCLUDE_DIR COMPILER...
set -u
inc=$1
shift
flags="-fsyntax-only -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror"
failed=0
checked=0
for cxx in "$@"; do
    for std in c++17 c++20; do
        for path in "$inc"/keyutils.hpp "$inc"/keyutils/*.hpp; do
            name=${path#"$inc"/}
            if ! echo "#include <$name>" | "$cxx" -std=$std $flags -I"$inc" -x c++ -; then
                echo "FAIL: $cxx -std=$std: <$name> alone"
                failed=1
            fi
            checked=$((checked + 1))
        done
        if printf '#include <keyutils/key.hpp>\nvoid f(keyutils::key k) { k.read(); }\n' |
            "$cxx" -std=$std $flags -I"$inc" -x c++ - 2>/dev/null; then
            echo "FAIL: $cxx -std=$std: an ignored read() result was not diagnosed"
            failed=1
        fi
    done
done
echo "$checked header compilations with: $*"
exit $failed
