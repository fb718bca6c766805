#!/bin/sh
# Report which of the files named in a list (one per line; default files.txt) exist.
list=${1:-files.txt}
while read -r name; do
    if [ -e "$name" ]; then
        echo "ok: $name"
    fi
done < "$list"
