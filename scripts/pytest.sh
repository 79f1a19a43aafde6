#!/usr/bin/env bash
# Run pytest alone (no lint, no installs) with the same environment as make test.
# Parallel developers: set ZAIRYU_DB=<name> and ZAIRYU_REDIS_DB=<n> to keep
# their test databases apart.  Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/${ZAIRYU_DB:-zairyu}}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/${ZAIRYU_REDIS_DB:-5}}
export DJANGO_DEBUG=0 ZAIRYU_TESTING=1 DJANGO_ALLOW_ASYNC_UNSAFE=true
export DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef
export ZAIRYU_VAR_DIR=${ZAIRYU_VAR_DIR:-$PWD/var/test-${ZAIRYU_DB:-zairyu}}
.venv/bin/python manage.py collectstatic --noinput -v 0
exec .venv/bin/python -m pytest "$@"
