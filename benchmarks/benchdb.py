"""A throwaway database for a benchmark, on the server the settings point at.

Scripts under ``benchmarks/`` run from the repository root; this module sits beside them.
``with bench_database(server_find(name)):`` creates the database, points Django's settings
at it (call ``django_setup(name)`` inside), and drops it on the way out, also on errors.
"""

import logging
import os
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import psycopg
from psycopg import sql

from config import env
from config.embedded_postgres import bundled_pg_dump, embedded_database_url

MAINTENANCE_DATABASE = "postgres"
ROOT = Path(__file__).resolve().parents[1]
# The sixteen languages the desk and router benchmarks spread their work over (Central
# Europe first).
CENTRAL_LANGUAGES = ["cs", "sk", "pl", "de", "hu", "ro", "sl", "hr"]
LANGUAGES = [*CENTRAL_LANGUAGES, "bg", "en", "fr", "it", "es", "nl", "pt", "el"]
# The mix of channels of their work items: mostly e-mail, as at the agency.
CHANNELS = ["email"] * 6 + ["chat"] * 2 + ["call", "sms"]


@dataclass(frozen=True)
class Server:
    """The PostgreSQL server the settings point at, and where its URL came from."""

    url: str
    source: str
    bench_name: str

    def database_url(self, name: str) -> str:
        return urlsplit(self.url)._replace(path="/" + name).geturl()

    @property
    def database_name(self) -> str:
        return urlsplit(self.url).path.lstrip("/")

    @property
    def label(self) -> str:
        parts = urlsplit(self.url)
        socket = parse_qs(parts.query).get("host", [""])[0]
        where = socket or f"{parts.hostname}:{parts.port or 5432}"
        return f"{self.source} ({where})"


def server_find(bench_name: str) -> Server:
    """The server from DATABASE_URL, or the embedded one (started here if needed, as
    scripts/dev does: the settings never start it)."""
    # Client schemas are copied with pg_dump, which must be as new as the server.
    os.environ.setdefault("POLYDESK_PG_DUMP", bundled_pg_dump())
    if os.environ.get("DATABASE_URL"):
        source, url = "DATABASE_URL", env.database_url()
    else:
        source, url = "embedded PostgreSQL", embedded_database_url(env.VAR_DIR / "postgres")
    server = Server(url=url, source=source, bench_name=bench_name)
    if server.database_name == bench_name:
        raise SystemExit(f"The settings already use {bench_name}; refusing to drop it.")
    return server


def _maintenance_execute(server: Server, statement: sql.Composable) -> None:
    # CREATE/DROP DATABASE cannot run in a transaction block, hence autocommit.
    with psycopg.connect(server.database_url(MAINTENANCE_DATABASE), autocommit=True) as conn:
        conn.execute(statement)


def _drop(server: Server) -> None:
    # FORCE ends connections left behind (PostgreSQL 13+).
    statement = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
    _maintenance_execute(server, statement.format(sql.Identifier(server.bench_name)))


@contextmanager
def bench_database(server: Server) -> Iterator[None]:
    """A fresh bench database that Django's settings use; dropped on the way out."""
    _drop(server)
    create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(server.bench_name))
    _maintenance_execute(server, create)
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = server.database_url(server.bench_name)
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        _drop(server)
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


def django_setup(bench_name: str) -> None:
    import django
    from django.conf import settings

    django.setup()
    name = settings.DATABASES["default"]["NAME"]
    if name != bench_name:
        raise RuntimeError(f"Django uses database {name!r}, not {bench_name!r}.")
    # One INFO line per provisioned client would drown the report.
    logging.getLogger("tenants.services").setLevel(logging.WARNING)


def waiting_item_fields(
    n: int,
    *,
    client: object,
    languages: list[str],
    source_kind: str,
    rng: random.Random,
    now: datetime,
) -> dict:
    """The fields of the ``n``-th waiting work item of a bench queue: a channel and a language
    drawn from ``rng``, every 50th urgent, waiting up to a day, due from 4 hours ago to 48
    hours ahead (the desk's and many_clients' queues)."""
    return {
        "client": client,
        "channel": rng.choice(CHANNELS),
        "language": rng.choice(languages),
        "priority": 1 if n % 50 == 0 else 0,
        "source_kind": source_kind,
        "source_id": n,
        "summary": f"Question number {n} about an order",
        "status": "waiting",
        "waiting_since": now - timedelta(seconds=rng.randrange(86_400)),
        "due_at": now + timedelta(hours=rng.randrange(-4, 48)),
    }


def clients_make(*, prefix: str, count: int, languages: list[str], rng: random.Random) -> list:
    """``count`` live clients in the public schema only (no schema of their own: for the
    benchmarks of public-schema work), each with two of ``languages``."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from tenants.models import Client

    return Client.objects.bulk_create(
        Client(
            schema_name=f"client_{prefix}_{n}",
            slug=f"{prefix}-{n}",
            name=f"{prefix.capitalize()} shop {n}",
            languages=(pair := rng.sample(languages, 2)),
            default_language=pair[0],
            countries=["CZ"],
            status="active",
            ready=True,
        )
        for n in range(count)
    )


def server_cpu_seconds(pid: int) -> float | None:
    """CPU seconds of the server process ``pid`` (user and system), or None when it is not
    on this machine (or not ours to read)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A TCP port on loopback that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gunicorn_start(
    app: str, *, port: int, workers: int, env: dict[str, str], options: tuple[str, ...] = ()
) -> subprocess.Popen:
    """gunicorn serving ``app`` (a WSGI module path; a module beside the benchmarks is found
    through ``--pythonpath``) on loopback, once it accepts connections (60 s at most)."""
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    process = subprocess.Popen(
        [
            *[gunicorn or "gunicorn", app],
            *["--pythonpath", str(ROOT / "benchmarks")],
            *["--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            *["--log-level", "warning", *options],
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")
