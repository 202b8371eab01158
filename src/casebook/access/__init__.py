"""Who may do what: accounts, roles, sign-in, the one permission check, the
access log, and (later) small-number suppression. Uses ``record``; nothing in
``record`` uses it."""
