# Hidden check: names with one space, two spaces and none all reach backup/.
set -u
rm -rf backup
printf 'a\n' > 'my notes.txt'
printf 'b\n' > 'two  spaces.txt'
printf 'c\n' > plain.txt
sh backup.sh 'my notes.txt' 'two  spaces.txt' plain.txt
for name in 'my notes.txt' 'two  spaces.txt' plain.txt; do
    if [ ! -f "backup/$name" ]; then
        echo "backup/$name is missing"
        exit 1
    fi
done
