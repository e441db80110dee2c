#!/bin/sh
# Handler for the "user debug:*" lines of request-key.conf: records the
# request, then instantiates the key with "Debug <callout info>".
#   request-key-debug.sh KEY DESCRIPTION CALLOUT-INFO SESSION-KEYRING
# Try it with: keyctl request2 user debug:test hello
if [ $# -ne 4 ]; then
    echo "usage: $0 key description callout-info session-keyring" >&2
    exit 2
fi
key=$1 desc=$2 info=$3 session=$4

logger -p authpriv.debug -t request-key-debug \
    "key $key description '$desc' callout '$info' session $session" 2>/dev/null
# request-key assumed the authority to instantiate before starting us.
exec keyctl instantiate "$key" "Debug $info" "$session"
