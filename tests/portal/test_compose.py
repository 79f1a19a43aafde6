"""The production compose file, checked as data (no docker engine needed)."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _in_production(service: dict) -> bool:
    return not service.get("profiles")


def test_web_and_worker_share_s3_compatible_object_storage_by_default():
    services = _compose()["services"]
    assert "minio" in services and _in_production(services["minio"])
    env = [services[name]["environment"] for name in ("web", "worker", "beat")]
    for one in env:
        assert one["STORAGE_BACKEND"] == "s3"
        assert one["S3_ENDPOINT_URL"] == "http://minio:9000"
    assert len({(e["S3_BUCKET"], e["S3_ENDPOINT_URL"]) for e in env}) == 1
    # No node keeps private files on a local volume.
    for name in ("web", "worker", "beat"):
        assert not services[name].get("volumes")
    # The bucket is created (private) before any app container starts.
    assert "storage-init" in services
    assert "anonymous set none" in " ".join(services["storage-init"]["command"])
    assert services["web"]["depends_on"]["storage-init"] == {
        "condition": "service_completed_successfully"
    }


def test_no_unauthenticated_mail_catcher_outside_a_dev_profile():
    services = _compose()["services"]
    for name, service in services.items():
        image = str(service.get("image", ""))
        if "mailpit" in image or "mailhog" in image or name == "mail":
            assert service.get("profiles") == ["dev"], name
        if _in_production(service):
            for port in service.get("ports", []):
                assert not str(port).split(":")[-1].startswith(("8025", "1025")), name
    for name in ("web", "worker", "beat"):
        env = services[name]["environment"]
        assert env.get("SMTP_HOST", "") != "mail"


def test_published_ports_are_on_loopback_only():
    for name, service in _compose()["services"].items():
        for port in service.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), (name, port)
