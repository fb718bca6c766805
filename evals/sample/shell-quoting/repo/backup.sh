#!/bin/sh
# Copy the files given as arguments into backup/, keeping their names.
mkdir -p backup
for f in $@; do
    cp $f backup/
done
echo "backed up $# files"
