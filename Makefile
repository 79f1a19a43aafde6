# The two commands a newcomer needs:
#   make run   — the portal on http://127.0.0.1:8000 with demo data (SQLite, tasks in-process)
#   make test  — every check and test (PostgreSQL, Redis, Celery worker, Chromium)
# make test-quick: the same checks, without the browser and real-worker tests.
.PHONY: run test test-quick check bench backup-drill
run:
	@scripts/run.sh
test:
	@scripts/test.sh
test-quick:
	@scripts/test.sh --quick
check: test
# The national benchmark (README, "Performance"): gunicorn + wrk on loopback.
bench:
	@scripts/bench.sh
