"""Fixtures of the review tests, shared by the examination and issuance
test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accounts.models import Organization, User
from tests.accounts.org_helpers import organization, staff
from tests.review.exam_helpers import Role, officer

# --- Examination personas and settings ---------------------------------------------------


@pytest.fixture
def english() -> Any:
    """Messages compared in English, whatever the Japanese catalogue says."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


@pytest.fixture
def org(db: None) -> Organization:
    return organization()


@pytest.fixture
def org_staff(org: Organization) -> User:
    return staff(org, full_name="申請 花子", language="en")


@pytest.fixture
def colleague(org: Organization) -> User:
    """A second member of the organisation (hears about every step too)."""
    return staff(org)


@pytest.fixture
def examiner(db: None) -> User:
    return officer(Role.EXAMINER, full_name="審査 一郎")


@pytest.fixture
def other_examiner(db: None) -> User:
    return officer(Role.EXAMINER, full_name="審査 二郎")


@pytest.fixture
def supervisor(db: None) -> User:
    return officer(Role.SUPERVISOR, full_name="統括 三郎")


@pytest.fixture
def second_supervisor(db: None) -> User:
    return officer(Role.SUPERVISOR, full_name="統括 四郎")


@pytest.fixture
def clerk(db: None) -> User:
    return officer(Role.CLERK, full_name="交付 五郎")


@pytest.fixture
def stranger_officer(db: None) -> User:
    """An examiner and supervisor of another office (Nagoya)."""
    return officer(Role.EXAMINER, Role.SUPERVISOR, office_code="NGY")
