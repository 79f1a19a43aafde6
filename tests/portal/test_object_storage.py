"""The production shape keeps no file on a web or worker node: every private
file lives in S3-compatible object storage shared by all of them.

The test starts a real S3-compatible HTTP server (moto in server mode), a
private Redis, a gunicorn web process and a Celery worker process, each with
its own empty local media folder, and checks across processes that an upload
through the web, a receipt PDF rendered by the worker and a download through
the web all work, with nothing written to any local folder."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django.urls import reverse

import pytest

from tests.conftest import ROOT, _test_database_url, redis_available

pytestmark = [
    pytest.mark.celery,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="several processes"),
]

BUCKET = "zairyu-test-private"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(
    url: str, proc: subprocess.Popen[bytes], log: Path, seconds: int = 60
) -> None:
    import requests

    deadline = time.time() + seconds
    while time.time() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer:\n{log.read_text()[-3000:]}")


@pytest.fixture
def s3_server(tmp_path):
    """A real S3-compatible HTTP server (moto server mode) with a private bucket."""
    import boto3

    port = _free_port()
    log = tmp_path / "moto.log"
    with open(log, "w") as logf:
        proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=logf,
            stderr=subprocess.STDOUT,
        )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        _wait_for(endpoint, proc, log)
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_bucket(Bucket=BUCKET)
        yield endpoint, client
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _s3_env(endpoint: str) -> dict[str, str]:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": BUCKET,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": "us-east-1",
        "S3_ADDRESSING_STYLE": "path",
        "S3_ACCESS_KEY_ID": "testing",
        "S3_SECRET_ACCESS_KEY": "testing",
    }


def _local_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.django_db(transaction=True)
def test_upload_render_and_download_across_processes_through_object_storage(
    client,
    settings,
    tmp_path,
    s3_server,
    private_redis,
    reference_data,
):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    import requests

    from applications.models import Application, ApplicationDocument, GeneratedDocument
    from portal.files.models import StoredFile
    from tests import factories
    from tests.applications import filing_data as fd

    if not redis_available():
        pytest.skip("Redis is not available")
    endpoint, s3 = s3_server
    s3_options = _s3_env(endpoint)
    # This process (fixtures, the management side) uses the same object storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    org = factories.OrganizationFactory(category=3)
    alice = factories.staff(org)
    application = fd.ready_extension(alice, fd.person(org))

    # A session the web process can read from the database (its cache is a
    # different Redis): what a sign-in leaves behind.
    session = SessionStore()
    session[SESSION_KEY] = str(alice.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = alice.get_session_auth_hash()
    session.create()

    base_env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(settings),
        "REDIS_URL": private_redis.url,
        "EMAIL_MODE": "mailbox",
        **s3_options,
    }
    web_media, worker_media = tmp_path / "web-media", tmp_path / "worker-media"
    port = _free_port()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with open(web_log, "w") as logf:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "portal.wsgi",
                        "--workers",
                        "2",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    cwd=ROOT,
                    env={
                        **base_env,
                        "MEDIA_ROOT": str(web_media),
                        "ZAIRYU_VAR_DIR": str(tmp_path / "web-var"),
                    },
                    stdout=logf,
                    stderr=subprocess.STDOUT,
                )
            )
        with open(worker_log, "w") as logf:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "portal",
                        "worker",
                        "--pool=solo",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "-Q",
                        settings.CELERY_TASK_DEFAULT_QUEUE,
                        "-l",
                        "info",
                    ],
                    cwd=ROOT,
                    env={
                        **base_env,
                        "MEDIA_ROOT": str(worker_media),
                        "ZAIRYU_VAR_DIR": str(tmp_path / "worker-var"),
                    },
                    stdout=logf,
                    stderr=subprocess.STDOUT,
                )
            )
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/livez", procs[0], web_log)
        browser = requests.Session()
        browser.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)
        browser.headers["Accept-Language"] = "en"

        # 1. Upload through the web process.
        documents_url = base + reverse(
            "applications:draft_documents", args=[application.code]
        )
        page = browser.get(documents_url, timeout=30)
        assert page.status_code == 200, web_log.read_text()[-3000:]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token
        application.refresh_from_db()
        response = browser.post(
            documents_url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "slot": "tax_certificates",
                "tax_certificates-version": str(application.version),
            },
            files={
                "tax_certificates-upload": (
                    "tax.pdf",
                    fd.pdf_bytes(),
                    "application/pdf",
                )
            },
            headers={"Referer": documents_url},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[-2000:]
        uploaded = (
            ApplicationDocument.objects.filter(application=application)
            .select_related("file")
            .order_by("-pk")
            .first()
        )
        assert uploaded and uploaded.file.original_name == "tax.pdf"
        stored = s3.get_object(Bucket=BUCKET, Key=uploaded.file.name)["Body"].read()
        assert stored.startswith(b"%PDF")

        # 2. Submit through the web; the worker process renders the receipts.
        check_url = base + reverse("applications:draft_check", args=[application.code])
        page = browser.get(check_url, timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[-2000:]
        application.refresh_from_db()
        response = browser.post(
            check_url,
            data={
                "csrfmiddlewaretoken": token.group(1),
                "version": str(application.version),
                "declaration": "on",
            },
            headers={"Referer": check_url},
            allow_redirects=False,
            timeout=30,
        )
        assert response.status_code == 302, response.text[-2000:]
        deadline = time.time() + 90
        while GeneratedDocument.objects.filter(application=application).count() < 2:
            assert procs[1].poll() is None, worker_log.read_text()[-3000:]
            assert time.time() < deadline, worker_log.read_text()[-3000:]
            time.sleep(0.5)
        receipt = GeneratedDocument.objects.select_related("file").get(
            application=application, language="en"
        )
        assert s3.head_object(Bucket=BUCKET, Key=receipt.file.name)["ContentLength"] > 0

        # 3. Download both through the web process.
        for url in (
            base + reverse("applications:receipt", args=[application.code, "en"]),
            base + reverse("files:download", args=[uploaded.file.code]),
        ):
            response = browser.get(url, timeout=30)
            assert response.status_code == 200, (url, web_log.read_text()[-3000:])
            assert response.content.startswith(b"%PDF")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    # Nothing was kept on any node: every byte is in the object storage.
    assert _local_files(web_media) == [] and _local_files(worker_media) == []
    assert Application.objects.get(pk=application.pk).receipt_number
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert set(StoredFile.objects.values_list("name", flat=True)) <= keys
