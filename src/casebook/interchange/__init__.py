"""Moving the record in and out: the Standard Safeguarding Dataset as CSV, and
the synthetic authority. Both write in bulk through :mod:`.bulk`."""
