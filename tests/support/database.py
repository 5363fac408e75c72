"""The test database, for the processes a test starts (a worker, a command)."""


def test_database_url() -> str:
    """The URL of the database pytest created, for a process started by a test."""
    from urllib.parse import quote

    from django.db import connection

    params = connection.get_connection_params()
    user = quote(params.get("user") or "", safe="")
    password = quote(params.get("password") or "", safe="")
    query = f"host={quote(params.get('host') or 'localhost', safe='')}"
    if params.get("port"):
        query += f"&port={params['port']}"
    return f"postgresql://{user}:{password}@/{params['dbname']}?{query}"


test_database_url.__test__ = False  # a helper, not a test
