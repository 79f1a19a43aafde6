import pytest, time, subprocess
from pathlib import Path
from applications import documents
from applications.models import GeneratedDocument
from tests.accounts import org_helpers as h
from tests.applications import case_helpers as ch
pytestmark = pytest.mark.django_db

def test_scratch(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    org = h.organization(); alice = h.staff(org)
    app = ch.submitted(org, alice, companions=("reentry","other_activity"))
    t = time.time(); documents.receipt_render(application_id=app.pk); print("render both", time.time()-t)
    for g in GeneratedDocument.objects.select_related("file"):
        out = Path("/tmp/scratch")/f"receipt-{g.language}"
        subprocess.run(["pdftoppm","-png","-r","70","-f","1","-l","1","-singlefile",str(tmp_path/g.file.name),str(out)],check=True)
    assert 0
