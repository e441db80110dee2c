#!/bin/sh
# Compiles a source that includes keyutils.h under one language standard with
# every pedantic warning an error, whatever the build's own warning options:
#   check-header.sh COMPILER STD SOURCE INCLUDE-DIR [EXTRA-FLAGS...]
set -eu
compiler=$1 std=$2 source=$3 include=$4
shift 4
exec $compiler -std="$std" -pedantic -Wall -Wextra -Werror -fsyntax-only \
  -I"$include" "$@" "$source"
