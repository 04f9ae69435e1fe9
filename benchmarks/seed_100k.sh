#!/usr/bin/env bash
# Benchmark: `demo seed --enterprises 100000` on PostgreSQL (target: under 60 s on 2 cores).
# Usage: benchmarks/seed_100k.sh [postgresql://postgres@127.0.0.1:5432/bench]
# The command prints the wall time of each phase; the load average is printed first
# because the seed uses both cores (Python builds rows while two PostgreSQL backends
# ingest them): figures taken on a busy machine are not comparable.
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:-postgresql://postgres@127.0.0.1:5432/bench}"
db="${url##*/}"
admin="${url%/*}/postgres"
psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export DATABASE_URL="$url"
.venv/bin/flask --app portfolio db upgrade >/dev/null 2>&1
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
/usr/bin/time -f "wall %e s, max RSS %M KB" .venv/bin/flask --app portfolio demo seed --enterprises "${N:-100000}"
