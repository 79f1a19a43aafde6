from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Examination and issuance")

    def ready(self) -> None:
        # The words of every review error code (portal.lib.errors registry).
        import review.messages  # noqa: F401
        from portal.files.access import register_file_access
        from review.certificates import PURPOSE as CERTIFICATE_PURPOSE
        from review.certificates import certificate_file_access

        # Certificates and notices (PDFs): the organisation downloads, the
        # office's officers view inline.
        register_file_access(CERTIFICATE_PURPOSE, certificate_file_access)

        # Files sent in answer to a request for documents (examination).
        from review.selectors import document_response_file_access
        from review.services.document_requests import RESPONSE_PURPOSE

        register_file_access(RESPONSE_PURPOSE, document_response_file_access)

        from portal.lib.dashboard import register_panel
        from review.views.applicant import organization_panel
        from review.views.case import officer_panel

        register_panel(12, organization_panel)
        register_panel(25, officer_panel)

        # The review side of the user's case page (documents, fee, card, timing).
        from applications.panels import case_panels
        from review.selectors import user_case_panel

        case_panels.register(10, user_case_panel)

        # The decision leads the page: granted or denied, and what comes next.
        from review.presenters import outcome_panel

        case_panels.register(1, outcome_panel)

        # The requests for documents and the tracking number on the timeline.
        from applications.panels import register_timeline_details
        from review.selectors import timeline_details

        register_timeline_details(timeline_details)

        # What those panels and details read, sent with the page's own reads.
        from applications.panels import register_case_reads
        from review.selectors import user_case_page_reads

        register_case_reads(user_case_page_reads)
