"""One router per part of the service; each route declares its permission."""
