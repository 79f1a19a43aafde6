"""``manage.py bench_run``: the benchmark driver (see ``portal.bench.run``);
``make bench`` starts gunicorn and runs it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.bench.run import run


class Command(BaseCommand):
    help = "Drive wrk against a loopback gunicorn serving the portal; exit 1 on a missed bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--base", default="http://127.0.0.1:8131")
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--duration", type=int, default=5, help="seconds per run")
        parser.add_argument("--only", nargs="*", help="page names to run")

    def handle(self, *args: Any, **options: Any) -> None:
        code = run(
            base=options["base"],
            rounds=max(1, min(options["rounds"], 10)),
            duration=max(1, min(options["duration"], 60)),
            only=options["only"],
        )
        if code:
            raise SystemExit(code)
