"""``manage.py load_demo_data``: the demo data of every app, DEBUG only.

Each installed app may have a ``demo`` module with ``load_demo_data() ->
DemoSummary``; they run in INSTALLED_APPS order (accounts before
applications before review), so that an app's demo data can build on the
apps it depends on without accounts importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from accounts.demo import DemoSummary


def demo_loaders() -> list[tuple[str, Callable[[], DemoSummary]]]:
    """``(app label, load_demo_data)`` of each installed app that has one."""
    loaders = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "demo"):
            module = import_module(f"{config.name}.demo")
            loader = getattr(module, "load_demo_data", None)
            if loader is not None:
                loaders.append((config.label, loader))
    return loaders


class Command(BaseCommand):
    help = (
        "Load the demo organisations and accounts (password demo-pass-2026, "
        "published TOTP secret) and the reference data. Refuses unless DEBUG is on."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "load_demo_data creates accounts with a published password and "
                "TOTP secret, so it runs only with DEBUG on (DJANGO_DEBUG=1)."
            )
        for label, loader in demo_loaders():
            summary = loader()
            if not summary:
                self.stdout.write(f"{label}: demo data already loaded")
                continue
            parts = []
            if summary.reference_rows:
                parts.append(f"{summary.reference_rows} reference rows written")
            if summary.created:
                parts.append(f"{len(summary.created)} objects created")
            self.stdout.write(self.style.SUCCESS(f"{label}: " + "; ".join(parts)))
            if options["verbosity"] >= 2:
                for line in summary.created:
                    self.stdout.write(f"  {line}")
