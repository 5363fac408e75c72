"""The project's PostgreSQL backend (``DATABASES["default"]["ENGINE"]``): see base.py."""
