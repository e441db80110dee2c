#!/bin/sh
# Handler for the "user debug:*" lines of request-key.conf: instantiates the
# key with "Debug <callout info>".  request-key's own log record for the
# upcall already names the key, its description, the rule and this handler,
# so the script only does its job, in as few process starts as it can (one
# shell, one keyctl, which replaces the shell).
#   request-key-debug.sh KEY DESCRIPTION CALLOUT-INFO SESSION-KEYRING
# Try it with: keyctl request2 user debug:test hello
if [ $# -ne 4 ]; then
    echo "usage: $0 key description callout-info session-keyring" >&2
    exit 2
fi
# request-key assumed the authority to instantiate before starting us.
exec keyctl instantiate "$1" "Debug $3" "$4"
