from __future__ import annotations

import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from portal.audit.services import audit_record
from portal.files.selectors import stored_file_get_for_user
from portal.lib.files import Kind

logger = logging.getLogger(__name__)

INLINE_KINDS = frozenset({Kind.PDF, Kind.JPEG, Kind.PNG})
# Kinds an ``<img>`` may show as a preview (``?preview=1``) to anyone who may
# download the file: images re-encoded at upload, served with a sandbox CSP.
PREVIEW_KINDS = frozenset({Kind.JPEG, Kind.PNG})


@login_required
@require_GET
def download(request: HttpRequest, code: uuid.UUID) -> FileResponse:
    """Serve a stored file to a user its purpose's checker allows; 404 otherwise.

    Attachment by default; inline only with ``?inline=1`` for a user whose
    access is ``"view_inline"`` (the officer viewer), and only for PDF/images,
    or with ``?preview=1`` for an image (a thumbnail on the upload page).
    Every download is audited (a preview as such).
    """
    stored_file, access = stored_file_get_for_user(user=request.user, code=code)
    preview = request.GET.get("preview") == "1" and stored_file.kind in PREVIEW_KINDS
    inline = preview or (
        request.GET.get("inline") == "1"
        and access == "view_inline"
        and stored_file.kind in INLINE_KINDS
    )
    try:
        handle = default_storage.open(stored_file.name, "rb")
    except FileNotFoundError as exc:
        logger.error("stored file %s has no bytes in storage", stored_file.code)
        raise Http404 from exc
    try:
        audit_record(
            actor=request.user,
            action="file.download",
            obj=stored_file,
            data={"inline": inline, "preview": preview}
            if preview
            else {"inline": inline},
        )
    except BaseException:
        handle.close()
        raise
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=stored_file.original_name,
        content_type=stored_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    # A sandbox CSP stops any script if a browser renders the file anyway.
    # Chromium's PDF viewer refuses to run in a sandboxed document, so an inline
    # PDF keeps the site's normal CSP instead.
    if not (inline and stored_file.kind == Kind.PDF):
        response["Content-Security-Policy"] = "sandbox"
    return response
