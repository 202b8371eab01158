"""Performance management: KPI definitions, the engine, targets, comparators,
charts and board packs (issue 5)."""
