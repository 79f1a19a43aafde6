"""Forms of the review app: ``examination`` (queue filters, assignment,
notes, requests for documents and the answer, the recommendation and its
approval) and ``issuance`` (stamps, declaration, dispatch, handover, the
sandbox card, the public verification)."""

from __future__ import annotations

from review.forms.examination import (
    AnswerForm,
    ApproveForm,
    AssignForm,
    DocumentRequestForm,
    ExtendDueDateForm,
    ItemUploadForm,
    NoteForm,
    QueueFilterForm,
    RecommendForm,
    SendBackForm,
)
from review.forms.issuance import (
    DeclarationForm,
    DispatchForm,
    HandoverForm,
    SandboxCardForm,
    StampsForm,
    VerifyForm,
)

__all__ = [
    "AnswerForm",
    "ApproveForm",
    "AssignForm",
    "DeclarationForm",
    "DispatchForm",
    "DocumentRequestForm",
    "ExtendDueDateForm",
    "HandoverForm",
    "ItemUploadForm",
    "NoteForm",
    "QueueFilterForm",
    "RecommendForm",
    "SandboxCardForm",
    "SendBackForm",
    "StampsForm",
    "VerifyForm",
]
