"""Writes for the office side, by sub-domain: ``examination`` (claim,
assignment, notes, the four-eyes decision), ``document_requests`` (requests
for documents and the organisation's answer), ``payments`` (the fee, the
declaration, stamps and the provider's callback) and ``issuance`` (card,
certificates, dispatch, handover).  Every status change goes through
applications.services.application_transition; every guard is a rule of
``review.rules``; every service that locks several rows locks the
application row first (``lock_case``)."""
