from __future__ import annotations

import re

from tests.conftest import ROOT


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (ROOT / "portal" / "settings.py").read_text()
    read = set(re.findall(r'env\.\w+\(\s*"([A-Z0-9_]+)"', settings_source))
    documented = set(
        re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M)
    )
    assert read, "no env reads found — did the settings change shape?"
    assert read - documented == set()
