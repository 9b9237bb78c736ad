#!/bin/sh
# Restores a backup made by scripts/backup.sh.
#   scripts/restore.sh FILE
# A pg_dump file goes into the PostgreSQL database DATABASE_URL names, which must exist and be
# empty (createdb first). A tar.gz goes into a new data folder, CHAPAR_DATA_DIR (default ./data),
# which must not exist or be empty. Then start Chapar on it: migrations newer than the backup run
# at start.
set -eu

file=${1:?usage: scripts/restore.sh FILE}
[ -f "$file" ] || { echo "restore: no file $file" >&2; exit 1; }

if [ "$(head -c 5 "$file")" = "PGDMP" ]; then
  [ -n "${DATABASE_URL:-}" ] || { echo "restore: $file is a PostgreSQL dump; set DATABASE_URL to the (empty) database to restore into" >&2; exit 1; }
  command -v pg_restore >/dev/null || { echo "restore: pg_restore not found (install the PostgreSQL client)" >&2; exit 1; }
  pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" "$file"
  echo "restore: $file restored into the database of DATABASE_URL"
  exit 0
fi

[ -z "${DATABASE_URL:-}" ] || { echo "restore: $file is a data folder backup, but DATABASE_URL is set (it restores only into CHAPAR_DATA_DIR)" >&2; exit 1; }
dir=${CHAPAR_DATA_DIR:-./data}
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  echo "restore: $dir is not empty; restore into a new folder (CHAPAR_DATA_DIR) and point Chapar at it" >&2
  exit 1
fi
mkdir -p "$dir"
tar -C "$dir" -xzf "$file"
[ -f "$dir/pgdata/PG_VERSION" ] || { echo "restore: $file held no Chapar data folder" >&2; exit 1; }
echo "restore: $file restored into $dir"
