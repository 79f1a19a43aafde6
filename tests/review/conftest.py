"""Fixtures of the review tests, shared by the examination and issuance
test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# --- Settings (the personas are in tests/conftest.py) ----------------------------------


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
