"""``manage.py bench_generate --preset small|national``: fill the database
with a realistic workload for the benchmark (see ``portal.bench.generate``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from portal.bench.generate import PRESETS, generate


class Command(BaseCommand):
    help = "Fill PostgreSQL with the benchmark's synthetic national workload."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--preset", choices=sorted(PRESETS), default="small")
        parser.add_argument("--seed", type=float, default=0.42)

    def handle(self, *args: Any, **options: Any) -> None:
        report = generate(PRESETS[options["preset"]], seed=options["seed"])
        for line in report:
            self.stdout.write(line)
