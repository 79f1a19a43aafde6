"""Forms of the accounts app, one module per side: the requester's wizard
(``request``), the organisation's pages (``organization``), reception and
the set-password page (``reception``), and the bureau administrator's
officer roles (``officer_roles``)."""
