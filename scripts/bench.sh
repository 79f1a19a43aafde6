#!/usr/bin/env bash
# make bench: serve the portal with gunicorn (production settings, DEBUG off,
# 4 workers) on loopback and run the benchmark driver against it.
#
#   BENCH_DB=zairyu_bench      database holding the data set (never a test DB)
#   BENCH_PRESET=national      generate it first when the database is empty
#   BENCH_ROUNDS=3 BENCH_DURATION=5   interleaved rounds, seconds per wrk run
#   BENCH_ONLY="queue_default search_name"   a subset of pages
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${BENCH_DB:-zairyu_bench}
PORT=${BENCH_PORT:-8131}
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/$DB}
export REDIS_URL=${BENCH_REDIS_URL:-redis://127.0.0.1:6379/${BENCH_REDIS_DB:-15}}
export DJANGO_DEBUG=0 ZAIRYU_BENCH=1
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789abcdefghij}
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
# The load generator plays the TLS proxy (it sends X-Forwarded-Proto).
export TRUSTED_PROXY_COUNT=${TRUSTED_PROXY_COUNT:-1}
# Production settings require it; the benchmark's users have no TOTP device
# (their sessions are created server-side), so a fixed bench-only key will do.
export MFA_ENCRYPTION_KEYS=${MFA_ENCRYPTION_KEYS:-KqlmQfO5CaaSI-m42EbckYAfDpR2w9PmmIY62pFLFbc=}
export ZAIRYU_VAR_DIR=${ZAIRYU_VAR_DIR:-$PWD/var/bench}
PY=.venv/bin/python
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 2; }

if ! psql "$DATABASE_URL" -Atc "select 1" >/dev/null 2>&1; then
  createdb -h 127.0.0.1 -U postgres "$DB"
fi
$PY manage.py migrate --noinput -v 0
if [ "$(psql "$DATABASE_URL" -Atc "select count(*) from accounts_user where username = 'bench-examiner'")" = 0 ]; then
  echo "generating the ${BENCH_PRESET:-national} data set in $DB ..."
  $PY manage.py bench_generate --preset "${BENCH_PRESET:-national}"
fi
$PY manage.py collectstatic --noinput -v 0

.venv/bin/gunicorn portal.wsgi:application --workers 4 --bind "127.0.0.1:$PORT" \
  --log-level warning --timeout 60 &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS -H 'X-Forwarded-Proto: https' "http://127.0.0.1:$PORT/bench/hello/" >/dev/null 2>&1 && break
  sleep 0.2
done
# shellcheck disable=SC2086
timeout "${BENCH_TIMEOUT:-1800}" $PY manage.py bench_run --base "http://127.0.0.1:$PORT" \
  --rounds "${BENCH_ROUNDS:-3}" --duration "${BENCH_DURATION:-5}" \
  ${BENCH_ONLY:+--only $BENCH_ONLY}
