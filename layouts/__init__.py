"""Pure functions returning component trees: no data access, no callbacks."""
