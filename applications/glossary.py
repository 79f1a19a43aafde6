"""One vocabulary for a case's states, read by the applicant's pages, the
office's pages and the emails alike (issue 10, item 8): ISA's term where
ISA has one, plain words otherwise.

``Status`` (``applications.workflow``) takes its labels from here; the
user's tags and filters (``Stage``), the timeline's steps and the line
every case email ends with (``{{ status|state_term }}``) too.  "申請完了"
is not used: to a clerk it reads as "finished", so a case that has just
arrived is 受付済み ("received").

The English msgids of the status terms are the ``Status`` labels the
migrations recorded; their Japanese is the glossary's.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# --- A case's state (the status, in words) -------------------------------------------

DRAFT = _("Draft")  # 下書き
RECEIVED = _("Application received")  # 受付済み
EXAMINING = _("Under examination")  # 審査中
DOCUMENTS_REQUESTED = _("Additional documents requested")  # 資料提出待ち
DECISION_PROPOSED = _("Decision awaiting approval")  # 決定案の承認待ち (office only)
GRANTED = _("Granted — awaiting fee and issuance")  # 許可（手数料納付待ち）
FEE_PAID = _("Fee paid — awaiting issuance")  # 手数料納付済み（交付準備中）
ISSUED = _("Issued")  # 交付済み
DISPATCHED = _("Dispatched")  # 発送済み
COMPLETED = _("Completed")  # 完了
DENIED = _("Denied")  # 不許可
WITHDRAWN = _("Withdrawn")  # 取下げ

# What the applicant's list filters and counters group the states into.
AFTER_GRANT = pgettext_lazy("case state", "Granted — fee and issuance")

# --- The steps of the applicant's timeline -------------------------------------------

STEP_RECEIVED = pgettext_lazy("timeline step", "Application received")  # 申請受付
STEP_EXAMINATION = pgettext_lazy("timeline step", "Examination")  # 審査
STEP_DECISION = pgettext_lazy("timeline step", "Decision")  # 結果（許可・不許可）
STEP_GRANTED = pgettext_lazy("timeline step", "Granted")  # 許可
STEP_FEE = pgettext_lazy("timeline step", "Fee paid")  # 手数料納付
STEP_ISSUANCE = pgettext_lazy("timeline step", "Issued and sent")  # 交付・発送
STEP_HANDOVER = pgettext_lazy("timeline step", "Received by the person")  # 受取完了

# A request for documents inside the examination step (ISA: 資料提出通知).
REQUEST_OPEN = _("Documents requested — send them by %(date)s")
REQUEST_ANSWERED = _("Documents requested — sent on %(date)s")

STATUS_TERMS: dict[str, Promise] = {
    "draft": DRAFT,
    "submitted": RECEIVED,
    "examining": EXAMINING,
    "awaiting_documents": DOCUMENTS_REQUESTED,
    "decision_proposed": DECISION_PROPOSED,
    "granted": GRANTED,
    "fee_paid": FEE_PAID,
    "issued": ISSUED,
    "dispatched": DISPATCHED,
    "completed": COMPLETED,
    "denied": DENIED,
    "withdrawn": WITHDRAWN,
}

# The applicant does not see the internal review of a recommendation.
APPLICANT_STATUS = {"decision_proposed": "examining"}


def term(status: str, *, applicant: bool = False) -> str:
    """The state of a case with ``status`` in words (the page's language);
    ``applicant``: as the filing organisation sees it."""
    if applicant:
        status = APPLICANT_STATUS.get(status, status)
    return str(STATUS_TERMS.get(status, status))
