"""Writes for the office side, in two parts: examination (claim, notes,
requests for documents, the four-eyes decision) and issuance (fee, payment,
card, dispatch, handover, certificates).  Every status change goes through
applications.services.application_transition."""
