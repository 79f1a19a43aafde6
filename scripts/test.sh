#!/usr/bin/env bash
# Every check and test, against real PostgreSQL, Redis, a Celery worker and
# headless Chromium.  Installs what is missing when run as root on Debian.
# Extra arguments go to pytest (e.g. scripts/test.sh -k outbox).
# --quick (first argument; make test-quick) leaves out the browser and
# real-worker tests: -m "not browser and not celery".
source "$(dirname "$0")/common.sh"
quick=0
if [ "${1:-}" = "--quick" ]; then quick=1; shift; fi
export DEBIAN_FRONTEND=noninteractive

# --- 1. Debian packages -------------------------------------------------------
APT_PKGS=(postgresql redis-server gettext libpango-1.0-0 libpangoft2-1.0-0
          libharfbuzz-subset0 fontconfig fonts-noto-cjk poppler-utils chromium)
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${missing[*]}"
    for try in 1 2 3; do
      apt-get -o DPkg::Lock::Timeout=300 update -qq \
        && apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
             "${missing[@]}" >/dev/null && break
      [ "$try" = 3 ] && die "apt-get install ${missing[*]} failed"
      sleep 10
    done
  else
    die "missing Debian packages: ${missing[*]}
Install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
  fi
fi

# --- 2. PostgreSQL and Redis on loopback --------------------------------------
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_port() {
  local i; for ((i = 0; i < $3 * 10; i++)); do port_open "$1" "$2" && return 0; sleep 0.1; done
  die "timeout waiting for $1:$2"
}
if ! port_open 127.0.0.1 5432; then
  PGVER=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$PGVER" ] || [ ! -d "/etc/postgresql/$PGVER/main" ]; then
    PGVER=$(ls /usr/lib/postgresql | sort -V | tail -1)
    pg_createcluster "$PGVER" main >/dev/null
  fi
  HBA=/etc/postgresql/$PGVER/main/pg_hba.conf
  if ! grep -q '^# zairyu-trust' "$HBA"; then  # first matching line wins
    { printf '%s\n' '# zairyu-trust' 'local all all trust' \
        'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust'; cat "$HBA"; } > "$HBA.new"
    mv "$HBA.new" "$HBA"; chown postgres:postgres "$HBA"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$PGVER" main start || true
  wait_port 127.0.0.1 5432 30
  log "started PostgreSQL $PGVER"
fi
if ! port_open 127.0.0.1 6379; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port 127.0.0.1 6379 15
  log "started Redis"
fi

# --- 3. Python ------------------------------------------------------------------
ensure_venv requirements-dev.txt
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/zairyu}
export DJANGO_DEBUG=0 ZAIRYU_TESTING=1
export DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef

# --- 4. Static checks ------------------------------------------------------------
# Each check runs even when an earlier one failed, so one run reports all;
# any failure fails the run after pytest (whose summary stays the last line).
failed=()
check() { local name=$1; shift; log "$name"; "$@" || failed+=("$name"); }
check "ruff check" .venv/bin/ruff check .
check "ruff format" .venv/bin/ruff format --check .
check "mypy" .venv/bin/mypy portal accounts applications review statuscheck webhooks batches desk api
# Templates: djLint's lint rules on every template (config: pyproject.toml);
# the format check covers the templates formatted so far (add a template here
# once it is formatted with djlint --reformat).
check "djlint lint" .venv/bin/djlint --lint templates accounts/templates \
  applications/templates review/templates statuscheck/templates webhooks/templates \
  batches/templates desk/templates api/templates review/jinja2 applications/jinja2
DJLINT_FORMATTED=(
  templates/components/upload_slot.html
  accounts/templates/accounts/request/documents.html
  accounts/templates/accounts/organization/periodic_documents.html
)
check "djlint format" .venv/bin/djlint --check "${DJLINT_FORMATTED[@]}"
check "compilemessages" compile_messages
check "makemigrations --check" env -u DATABASE_URL .venv/bin/python manage.py makemigrations --check --dry-run -v 0
check "check --deploy" env -u ZAIRYU_TESTING -u DATABASE_URL -u DJANGO_ALLOW_ASYNC_UNSAFE \
  DJANGO_DEBUG=0 DJANGO_ALLOWED_HOSTS=zairyu.example.jp SMTP_HOST=smtp.example.jp TRUSTED_PROXY_COUNT=1 \
  DJANGO_SECRET_KEY="$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')-production-like" \
  MFA_ENCRYPTION_KEYS="$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
if ((${#failed[@]})); then
  echo "STATIC CHECKS FAILED: ${failed[*]} (see above); running the tests anyway." >&2
fi

# --- 5. Tests -----------------------------------------------------------------------
log "pytest"
rc=0
if ((quick)); then set -- -m "not browser and not celery" "$@"; fi
timeout --kill-after=60 3000 scripts/pytest.sh -ra --durations=15 "$@" || rc=$?
if ((${#failed[@]})) && [ "$rc" = 0 ]; then rc=1; fi
exit "$rc"
