#!/bin/sh
# A dated online backup of ICMap's database (npm run backup, compiled), keeping only the newest KEEP.
# Usage: scripts/backup-rotate.sh BACKUP_DIR [KEEP]   (KEEP defaults to $KEEP_BACKUPS, else 14)
# Run from the ICMap folder with ICMap's environment (DATABASE_PATH); used by the systemd timer and
# the compose file's backup service. Exit 1 when the backup fails (older backups are then kept).
set -eu
dir=${1:?usage: backup-rotate.sh BACKUP_DIR [KEEP]}
keep=${2:-${KEEP_BACKUPS:-14}}
case $keep in '' | *[!0-9]* | 0) echo "backup-rotate: KEEP must be a whole number of at least 1, not '$keep'" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
mkdir -p "$dir"
file="$dir/icmap-$(date -u +%Y%m%d-%H%M%S).sqlite"
node dist/tools/ops/backup.js "$file"
# Names sort by time: delete all but the newest $keep.
ls -1 "$dir" | grep -E '^icmap-[0-9]{8}-[0-9]{6}\.sqlite$' | sort -r | tail -n +"$((keep + 1))" | while read -r old; do
  rm -f -- "$dir/$old"
done
echo "backup-rotate: $file written; $(ls -1 "$dir" | grep -cE '^icmap-[0-9]{8}-[0-9]{6}\.sqlite$') kept in $dir"
