"""Demo data of the applications app (run by ``manage.py load_demo_data``
after the accounts demo data): the reference data for now."""

from __future__ import annotations

from django.apps import apps

from accounts.demo import DemoSummary
from applications.reference_data import load_reference_data


def load_demo_data() -> DemoSummary:
    """Ensure the application types, statuses of residence and fees."""
    return DemoSummary(reference_rows=load_reference_data(apps))
