"""Project configuration: settings, the root URLconf, WSGI, the database router and the embedded
PostgreSQL used when no DATABASE_URL is set. Imports every app; no app imports it."""
