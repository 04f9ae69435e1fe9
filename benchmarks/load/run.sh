#!/usr/bin/env bash
# Load test: 50 users (field monitors, finance officers, managers) for 2 minutes
# against gunicorn (4 workers) on the shared 100k PostgreSQL demo database.
#
# Usage: benchmarks/load/run.sh [postgresql://postgres@127.0.0.1:5432/bench]
# Needs the `bench` extra (locust) and the database from benchmarks/seed_100k.sh.
# Never drops the database; migrates it to head; creates load.*@bench.portfolio.ml
# accounts on first use. Results: benchmarks/load/out/ (CSV stats, HTML report).
# Tunables: USERS (50), SPAWN_RATE (10), DURATION (2m), PORT (8089), WORKERS (4),
# TIMEOUT (120 s per request in gunicorn).
set -euo pipefail
cd "$(dirname "$0")/../.."
export DATABASE_URL="${1:-postgresql://postgres@127.0.0.1:5432/bench}"
out=benchmarks/load/out
mkdir -p "$out"
port="${PORT:-8089}"

count=$(psql "$DATABASE_URL" -Atc 'select count(*) from enterprise')
echo "database: ${DATABASE_URL##*/}, $count enterprises"
.venv/bin/flask --app portfolio db upgrade >/dev/null 2>&1
.venv/bin/python benchmarks/load/prepare.py >"$out/targets.json"

# A 120 s worker timeout (gunicorn's default is 30 s) so that the slowest page, the
# dashboard on 100k enterprises, is measured rather than killed.
: >"$out/gunicorn.log"
.venv/bin/gunicorn --workers "${WORKERS:-4}" --timeout "${TIMEOUT:-120}" --bind "127.0.0.1:$port" \
  --access-logfile /dev/null --error-logfile "$out/gunicorn.log" wsgi:app &
gunicorn_pid=$!
trap 'kill "$gunicorn_pid" 2>/dev/null; wait "$gunicorn_pid" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$port/connexion" && break
  sleep 0.2
done

LOAD_TARGETS="$out/targets.json" LOAD_REPAYMENTS="$out/repayments.json" \
  .venv/bin/locust -f benchmarks/load/locustfile.py --headless \
  --users "${USERS:-50}" --spawn-rate "${SPAWN_RATE:-10}" --run-time "${DURATION:-2m}" \
  --host "http://127.0.0.1:$port" --csv "$out/load" --html "$out/report.html" \
  --stop-timeout 60 --only-summary --loglevel WARNING || true  # locust exits 1 on any failure: reported below

status=0
.venv/bin/python benchmarks/load/check.py "$out/targets.json" "$out/repayments.json" \
  "$out/load_stats.csv" || status=$?
if [ -s "$out/load_failures.csv" ] && [ "$(wc -l <"$out/load_failures.csv")" -gt 1 ]; then
  echo; echo "Failures:"; cat "$out/load_failures.csv"
fi
grep -i "error\|traceback" "$out/gunicorn.log" | head -20 || true
exit $status
