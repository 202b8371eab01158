"""The JSON API: the same operations as the pages, described by OpenAPI at
/api/openapi.json. Unsafe calls need the session cookie and ``X-CSRF-Token``."""
