#!/usr/bin/env bash
# The embedded default: SQLite, tasks in-process, emails on /dev/mailbox/, demo data.
source "$(dirname "$0")/common.sh"
export DJANGO_DEBUG=1
unset DATABASE_URL REDIS_URL
HOST=${HOST:-127.0.0.1} PORT=${PORT:-8000}
export PORTAL_BASE_URL=${PORTAL_BASE_URL:-http://$HOST:$PORT}  # links in emails
ensure_venv requirements.txt
require_gettext
compile_messages
.venv/bin/python manage.py migrate --noinput -v 0
.venv/bin/python manage.py load_demo_data
cat <<MSG

  Zairyu is running at http://$HOST:$PORT/   (Ctrl+C stops it)
  Development mailbox: http://$HOST:$PORT/dev/mailbox/

  Demo accounts (password: demo-pass-2026; the sign-in code is shown on the
  code step in this demo, or use the TOTP secret in README.md):
    demo-staff       organisation staff (category 1)
    demo-attorney    attorney appointed by both demo organisations
    demo-support     registered support organisation staff
    demo-reception   reception officer, Tokyo bureau
    demo-examiner    examiner, Tokyo bureau
    demo-supervisor  supervisor, Tokyo bureau
    demo-clerk       issuance clerk, Tokyo bureau
    demo-bureau-admin  bureau administrator (officer roles), Tokyo bureau

MSG
exec .venv/bin/python manage.py runserver "$HOST:$PORT" --noreload
