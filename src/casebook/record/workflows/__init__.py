"""Every statutory step of a child's journey as a guided workflow, each allowed
only where it makes sense for the child's current state (issue 4)."""
