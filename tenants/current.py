"""The schema the database connection is in now: django-tenants keeps it on the connection,
which Django's types do not know."""

from django.db import connection


def schema_name_current() -> str:
    """The client schema (or ``public``) the connection's search path starts with."""
    name: str = connection.schema_name  # type: ignore[attr-defined]  # django-tenants' attribute
    return name


def schema_public_set() -> None:
    """Back to the public schema (django-tenants sets the search path afresh on next use)."""
    connection.set_schema_to_public()  # type: ignore[attr-defined]  # django-tenants' method
