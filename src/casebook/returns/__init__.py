"""Statutory returns: the CIN census and SSDA903 projected from the record,
their import, and the DfE's validation rules (issue 6)."""
