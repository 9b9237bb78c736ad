#!/bin/sh
# Backs up Chapar's database to one file.
#   scripts/backup.sh [FILE]
# With DATABASE_URL (PostgreSQL): pg_dump in its custom format (restore with scripts/restore.sh or
# pg_restore); Chapar may keep running. Without it (the embedded database): a tar.gz of the data
# folder (CHAPAR_DATA_DIR, default ./data), which needs Chapar stopped: while this copies, it holds
# the folder's lock (chapar.lock) so Chapar cannot start on it.
set -eu

stamp=$(date -u +%Y%m%dT%H%M%SZ)

if [ -n "${DATABASE_URL:-}" ]; then
  out=${1:-chapar-$stamp.dump}
  command -v pg_dump >/dev/null || { echo "backup: pg_dump not found (install the PostgreSQL client)" >&2; exit 1; }
  pg_dump --format=custom --no-owner --no-privileges --file="$out" "$DATABASE_URL"
  echo "backup: PostgreSQL database written to $out"
  exit 0
fi

dir=${CHAPAR_DATA_DIR:-./data}
out=${1:-chapar-$stamp.tar.gz}
[ -f "$dir/pgdata/PG_VERSION" ] || { echo "backup: $dir holds no Chapar database (no pgdata/PG_VERSION)" >&2; exit 1; }
lock="$dir/chapar.lock"
if [ -f "$lock" ]; then
  holder=$(cat "$lock" 2>/dev/null || true)
  if [ -n "$holder" ] && kill -0 "$holder" 2>/dev/null; then
    echo "backup: Chapar (pid $holder) is using $dir; stop it first, the embedded database is copied only at rest" >&2
    exit 1
  fi
  rm -f "$lock" # stale: its process is gone
fi
# The lock names this shell: Chapar refuses to open the folder while the copy runs.
( set -C; echo $$ >"$lock" ) 2>/dev/null || { echo "backup: could not lock $dir (did Chapar just start?)" >&2; exit 1; }
trap 'rm -f "$lock"' EXIT INT TERM
tar -C "$dir" --exclude=./chapar.lock -czf "$out" .
echo "backup: data folder $dir written to $out"
