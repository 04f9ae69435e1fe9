#!/usr/bin/env bash
# Benchmark: `demo seed --enterprises 100000` on PostgreSQL (target: under 60 s).
# Usage: benchmarks/seed_100k.sh [postgresql://postgres@127.0.0.1:5432/bench]
set -euo pipefail
cd "$(dirname "$0")/.."
url="${1:-postgresql://postgres@127.0.0.1:5432/bench}"
db="${url##*/}"
admin="${url%/*}/postgres"
psql "$admin" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
export DATABASE_URL="$url"
.venv/bin/flask --app portfolio db upgrade >/dev/null 2>&1
/usr/bin/time -f "wall %e s, max RSS %M KB" .venv/bin/flask --app portfolio demo seed --enterprises "${N:-100000}"
