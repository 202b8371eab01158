"""The single child record: models, code lists, the working-day calendar,
timescales and the services that are the only way to change the record."""
