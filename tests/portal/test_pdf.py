from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

import pytest

from portal.lib.pdf import _url_fetcher, render_html, render_pdf
from portal.pages import services, tasks
from tests.conftest import _missing

SAMPLE = """{% extends "pdf/base.html" %}{% load i18n %}
{% block title %}在留申請 sample{% endblock %}
{% block footer %}sample footer{% endblock %}
{% block content %}
<h1>在留申請オンラインシステム / Online Residence Application</h1>
<p class="lead">申請人：山田　太郎 様 — Applicant: YAMADA Taro</p>
<table>
  <tr><th>申請の種類</th><td>在留期間更新許可申請 (Extension of Period of Stay)</td></tr>
  <tr><th>手数料</th><td>5,500円</td></tr>
  <tr><th>month</th><td>{% translate "January" %}</td></tr>
</table>
<p>ひらがな・カタカナ・漢字・ＡＢＣ全角・ABC half-width.</p>
{% endblock %}
"""


@pytest.fixture
def sample_template(settings, tmp_path: Path) -> str:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "sample_pdf.html").write_text(SAMPLE, encoding="utf-8")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], folder]}]
    return "sample_pdf.html"


@pytest.fixture
def media_root(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root), "base_url": "/no-public-url/"},
        },
    }
    return root


def need(tool: str) -> None:
    if shutil.which(tool) is None:
        _missing(f"{tool} (poppler-utils)")


def embedded_fonts(pdf_path: Path) -> list[tuple[str, str]]:
    """(font name, emb) pairs from pdffonts."""
    need("pdffonts")
    output = subprocess.run(
        ["pdffonts", str(pdf_path)], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in output.splitlines()[2:]:
        tokens = line.split()
        if len(tokens) >= 7:
            rows.append((tokens[0], tokens[-5]))
    return rows


def rasterize_first_page(pdf_path: Path, png_path: Path) -> Path:
    need("pdftoppm")
    png_path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_path),
            str(png_path.with_suffix("")),
        ],
        check=True,
    )
    assert png_path.stat().st_size > 1000
    return png_path


def assert_cjk_font_embedded(pdf_path: Path) -> None:
    fonts = embedded_fonts(pdf_path)
    cjk = [(name, emb) for name, emb in fonts if "CJK" in name or "IPA" in name]
    assert cjk, f"no CJK font in the PDF: {fonts}"
    assert all(emb == "yes" for _, emb in cjk), fonts


# --- render_pdf ---------------------------------------------------------------------


def test_japanese_renders_with_an_embedded_cjk_font(
    sample_template, tmp_path, screenshot_dir
):
    pdf = render_pdf(sample_template, {}, language="ja")
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / "sample-ja.pdf"
    path.write_bytes(pdf)
    # pdftotext would "find" the Japanese even with tofu boxes; the font must be in the file.
    assert_cjk_font_embedded(path)
    rasterize_first_page(path, screenshot_dir / "pdf-sample-ja.png")


def test_template_is_rendered_in_the_requested_language(sample_template):
    japanese = render_html(sample_template, {}, language="ja")
    english = render_html(sample_template, {}, language="en")
    assert '<html lang="ja">' in japanese
    assert '<html lang="en">' in english
    assert "1月" in japanese  # Django's own catalogue proves the override is active
    assert "January" in english


def test_unknown_language_is_refused(sample_template):
    with pytest.raises(ValueError):
        render_pdf(sample_template, {}, language="fr")


def test_fetcher_reads_static_files_only():
    fetcher = _url_fetcher()
    response = fetcher.fetch("file:///static/css/tokens.css")
    assert b"--color-primitive-blue-900" in response.read()
    for url in (
        "http://127.0.0.1:9/secret",
        "https://example.com/x.png",
        "file:///etc/passwd",
        "file:///static/../../etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# --- the service guide ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["ja", "en"])
def test_task_renders_and_stores_the_guide(
    media_root, tmp_path, screenshot_dir, language
):
    name = tasks.render_service_guide(language)
    assert name == services.service_guide_storage_name(language=language)
    assert name.startswith(f"guides/service-guide-{language}-")
    pdf = (media_root / name).read_bytes()
    assert pdf.startswith(b"%PDF-")
    path = tmp_path / f"guide-{language}.pdf"
    path.write_bytes(pdf)
    assert_cjk_font_embedded(path)  # the official Japanese names are in both
    rasterize_first_page(path, screenshot_dir / f"service-guide-{language}.png")


def test_task_skips_a_guide_already_rendered(media_root, monkeypatch):
    name = tasks.render_service_guide("en")
    before = (media_root / name).stat().st_mtime_ns

    def must_not_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(services, "render_pdf", must_not_render)
    assert tasks.render_service_guide("en") == name
    assert (media_root / name).stat().st_mtime_ns == before


def test_new_version_replaces_the_old_one(media_root):
    default_storage.save(
        "guides/service-guide-en-0000000000000000.pdf", ContentFile(b"old")
    )
    default_storage.save(
        "guides/service-guide-ja-0000000000000000.pdf", ContentFile(b"old")
    )
    name = tasks.render_service_guide("en")
    assert sorted(p.name for p in (media_root / "guides").iterdir()) == sorted(
        [Path(name).name, "service-guide-ja-0000000000000000.pdf"]
    )


def test_version_changes_with_the_template(settings, tmp_path):
    before = services.service_guide_version(language="en")
    folder = tmp_path / "override"
    (folder / "pdf").mkdir(parents=True)
    (folder / "pdf" / "service_guide.html").write_text('{% extends "pdf/base.html" %}')
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [folder, *engine["DIRS"]]}]
    assert services.service_guide_version(language="en") != before


@pytest.mark.django_db
def test_view_serves_the_stored_guide_in_the_visitors_language(client, media_root):
    name = tasks.render_service_guide("en")
    response = client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Language"] == "en"
    assert "zairyu-service-guide-en.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == (media_root / name).read_bytes()


@pytest.fixture
def celery_eager():
    """Queued tasks run at once, in this process.

    Set on the Celery app itself: a value once assigned to ``app.conf`` (other
    tests do, restoring False) shadows the Django setting for good, so
    overriding CELERY_TASK_ALWAYS_EAGER with the ``settings`` fixture then no
    longer reaches Celery.
    """
    from portal.celery import app

    before = {
        "task_always_eager": app.conf.task_always_eager,
        "task_eager_propagates": app.conf.task_eager_propagates,
    }
    app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield
    app.conf.update(**before)


@pytest.mark.django_db
def test_view_queues_the_render_and_answers_202_until_ready(
    client, media_root, celery_eager
):
    response = client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 202
    assert response["Retry-After"] == "5"
    assert "no-store" in response["Cache-Control"]
    # A link to reload, not an automatic refresh (WCAG 2.2.1).
    assert 'href="/guide.pdf"' in response.content.decode()
    assert default_storage.exists(services.service_guide_storage_name(language="ja"))

    again = client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="ja")
    assert again.status_code == 200
    assert b"".join(again.streaming_content).startswith(b"%PDF-")


@pytest.mark.django_db
def test_view_queues_once_while_a_render_is_pending(client, media_root, monkeypatch):
    queued: list[str] = []
    monkeypatch.setattr(
        tasks.render_service_guide,
        "apply_async",
        lambda args, **kwargs: queued.extend(args),
    )
    for _ in range(3):
        assert client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="en").status_code == 202
    assert queued == ["en"]


@pytest.mark.django_db
def test_view_answers_even_when_the_broker_is_down(client, media_root, monkeypatch):
    from portal.lib import breaker

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.render_service_guide, "apply_async", broker_down)
    assert client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="en").status_code == 202
    # The lock was released, so the next visitor tries again (once the
    # broker's circuit breaker lets publishes through again).
    breaker.reset_all()
    calls: list[str] = []
    monkeypatch.setattr(
        tasks.render_service_guide,
        "apply_async",
        lambda args, **kwargs: calls.extend(args),
    )
    client.get("/guide.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert calls == ["en"]
