"""The web application: thin routes over the record's packages."""
