# Hidden check: exit 0 with every file present; exit 1 and "missing: NAME" on stderr otherwise.
set -u
printf 'README.md\nconfig.ini\n' > all.txt
if ! sh check_files.sh all.txt > /dev/null 2>&1; then
    echo "check_files.sh fails although every file is present"
    exit 1
fi
printf 'README.md\nnope.txt\n' > some.txt
sh check_files.sh some.txt > out.txt 2> err.txt
status=$?
if [ "$status" -ne 1 ]; then
    echo "exit status $status with a file missing, not 1"
    exit 1
fi
if ! grep -qx 'missing: nope.txt' err.txt; then
    echo "stdout: $(tr '\n' '|' < out.txt)"
    echo "no 'missing: nope.txt' line on stderr"
    exit 1
fi
