"""Benchmark of the inbound mail intake: the MTA pipe's work and the raw HTTP path.

Run from the repository root::

    .venv/bin/python benchmarks/mail_intake.py [--sizes 200,1000] [--concurrency 4]

On the PostgreSQL server the settings point at (``DATABASE_URL``, or the embedded one), it
creates a database of its own, ``polydesk_bench_intake`` (dropped at the end), migrates it and
provisions one client with an inbound address. For each size N it makes N mixed messages:
the odd real-world mail of ``tests/data/mail`` (bounces, auto-replies, odd charsets, HTML
only, forwards, broken MIME) and generated customer mail in Czech, a fifth of it with a photo
(40-400 KB) or a PDF, a tenth of it replies to earlier ones; every message has its own
Message-ID. Each message is then received

- by the pipe's code (``intake.services.mail_receive``, what ``manage.py receive_email``
  runs once Django is up), in this process, one after the other;
- by ``POST /mail/inbound`` on gunicorn (``config.wsgi``, 2 sync workers) from
  ``--concurrency`` client threads;

against a floor measured in the same run: keeping each message's bytes with a receipt and
nothing else (``receipt_write``: what the write-ahead adds before anything is read). A
pipe process also pays its own start (Python, Django, the database connection): measured on
10 messages (``--processes``) and reported apart.
Last, the peak memory of receiving one 24.9 MB message (tracemalloc's peak, and the growth of
the process's maximum resident size). One JSON line is printed (``benchmarks/_report.py``;
the raw measurements under ``details``).
"""

import argparse
import http.client
import os
import random
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from email.message import EmailMessage
from pathlib import Path

from _report import Report, json_option
from benchdb import bench_database, django_setup, free_port, gunicorn_start, server_find
from django.core.management import call_command

BENCH_DATABASE = "polydesk_bench_intake"
TOKEN = "bench-intake-token"  # noqa: S105 - loopback requests of this benchmark only
ADDRESS = "podpora@obuv.example"
ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "mail"
SENTENCES = [
    "Dobrý den, objednávka číslo {n} ještě nedorazila.",
    "Boty mi přišly poškozené, krabice byla promáčklá.",
    "Prosím o vrácení peněz na účet, zboží vracím.",
    "Kdy mi přijde faktura? Potřebuji ji do účetnictví.",
    "Děkuji za rychlé vyřízení, s pozdravem Věra Malá.",
]


def prepare() -> None:
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from tenants.models import InboundAddress
    from tenants.services import agency_ensure, client_provision

    call_command("migrate_platform", verbosity=0)

    agency_ensure()
    client = client_provision(
        slug="bench-shop",
        name="Bench Shop",
        countries=["CZ"],
        languages=["cs", "en"],
        time_zone="Europe/Prague",
        currency="CZK",
    ).client
    client.status = "active"
    client.save(update_fields=["status"])
    InboundAddress.objects.create(client=client, address=ADDRESS, country="CZ")


def messages(count: int, run: str, rng: random.Random) -> list[bytes]:
    """``count`` mixed messages, each with a Message-ID of its own (no two are duplicates)."""
    odd = [path.read_bytes() for path in sorted(CORPUS.glob("*.eml"))]
    made: list[bytes] = []
    for n in range(count):
        message_id = f"<{run}-{n}@bench.example>".encode()
        if n % 5 == 4:  # the corpus, renamed so that each is a new message
            raw = odd[(n // 5) % len(odd)].replace(b"pomoc@sklep.example", ADDRESS.encode())
            head, _, body = raw.partition(b"\n\n")
            head = b"\n".join(
                line for line in head.split(b"\n") if not line.lower().startswith(b"message-id:")
            )
            made.append(head + b"\nMessage-ID: " + message_id + b"\n\n" + body)
            continue
        message = EmailMessage()
        message["From"] = f"Zákazník {n % 97} <customer{n % 97}@example.cz>"
        message["To"] = ADDRESS
        message["Subject"] = f"Objednávka {n}"
        message["Message-ID"] = message_id.decode()
        if n % 10 == 3 and n > 10:
            message["In-Reply-To"] = f"<{run}-{n - 10}@bench.example>"
        text = " ".join(rng.choice(SENTENCES).format(n=n) for _ in range(rng.randint(2, 12)))
        message.set_content(text)
        if n % 5 == 1:
            photo = rng.randbytes(rng.randint(40_000, 400_000))
            message.add_attachment(photo, maintype="image", subtype="jpeg", filename=f"foto{n}.jpg")
        elif n % 5 == 2 and n % 2:
            message.add_attachment(
                b"%PDF-1.4\n" + rng.randbytes(60_000),
                maintype="application",
                subtype="pdf",
                filename=f"faktura {n}.pdf",
            )
        made.append(message.as_bytes())
    return made


def floor(raws: list[bytes]) -> float:
    """Messages a second for keeping the bytes with a receipt, and nothing else."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from intake.models import InboundReceipt
    from intake.services import receipt_write

    started = time.perf_counter()
    for raw in raws:
        receipt_write(raw=raw, source="floor", size=len(raw), state="refused")
    elapsed = time.perf_counter() - started
    InboundReceipt.objects.filter(source="floor").delete()
    return len(raws) / elapsed


def pipe_in_process(raws: list[bytes]) -> tuple[float, dict]:
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from intake.services import mail_receive

    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for raw in raws:
        status = mail_receive(raw=raw, source="pipe").status
        outcomes[status] = outcomes.get(status, 0) + 1
    return len(raws) / (time.perf_counter() - started), outcomes


def pipe_processes(raws: list[bytes]) -> float:
    """Seconds per ``manage.py receive_email`` process, start included."""
    started = time.perf_counter()
    for raw in raws:
        done = subprocess.run(
            [sys.executable, "manage.py", "receive_email"],
            input=raw,
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"receive_email exited {done.returncode}: {done.stderr[-300:]!r}")
    return (time.perf_counter() - started) / len(raws)


def intake_gunicorn_start(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "POLYDESK_MAIL_INTAKE_TOKEN": TOKEN,
        "LOG_LEVEL": "WARNING",
        "DJANGO_DEBUG": "0",
    }
    return gunicorn_start(
        "config.wsgi", port=port, workers=2, env=env, options=("--timeout", "120")
    )


def http_path(raws: list[bytes], port: int, concurrency: int) -> tuple[float, dict]:
    queue = list(enumerate(raws))
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                _, raw = queue.pop()
            connection.request(
                "POST",
                "/mail/inbound",
                body=raw,
                headers={
                    "Host": "localhost",
                    "Content-Type": "message/rfc822",
                    "Authorization": f"Bearer {TOKEN}",
                },
            )
            answer = connection.getresponse()
            answer.read()
            with lock:
                statuses[answer.status] = statuses.get(answer.status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(raws) / (time.perf_counter() - started), statuses


def peak_memory() -> dict:
    """Receiving one message of 24.9 MB (a photo): tracemalloc's peak and the growth of the
    process's maximum resident size, in MB."""
    # After django_setup() has pointed the settings at the bench database: not at the top.
    from intake.services import mail_receive

    message = EmailMessage()
    message["From"], message["To"] = "Věra <vera@example.cz>", ADDRESS
    message["Subject"], message["Message-ID"] = "Velká fotka", "<memory-1@bench.example>"
    message.set_content("Dobrý den, posílám fotku.")
    message.add_attachment(
        os.urandom(18_400_000), maintype="image", subtype="jpeg", filename="velka.jpg"
    )
    raw = message.as_bytes()
    del message
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    status = mail_receive(raw=raw, source="pipe").status
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "message_mb": round(len(raw) / 1e6, 1),
        "status": status,
        "tracemalloc_peak_mb": round(peak / 1e6, 1),
        "maxrss_growth_mb": round((after - before) / 1e3, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="200,1000")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument(
        "--processes", type=int, default=10, help="receive_email processes started, one by one"
    )
    json_option(parser)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    rng = random.Random(14)
    sizes = [int(part) for part in options.sizes.split(",")]
    report = Report("mail_intake", {"messages": sizes, "concurrency": options.concurrency})
    result: dict = report.details
    result["runs"] = []
    with bench_database(server_find(BENCH_DATABASE)):
        django_setup(BENCH_DATABASE)
        report.server_describe()
        prepare()
        # Peak memory first, in a process that has not held bigger things yet.
        result["peak_memory_25mb"] = peak_memory()
        port = free_port()
        server = intake_gunicorn_start(port)
        try:
            for size in sizes:
                pipe_raws = messages(size, f"pipe{size}", rng)
                http_raws = messages(size, f"http{size}", rng)
                floor_rate = floor(pipe_raws)
                pipe_rate, pipe_outcomes = pipe_in_process(pipe_raws)
                http_rate, http_statuses = http_path(http_raws, port, options.concurrency)
                result["runs"].append(
                    {
                        "messages": size,
                        "mb": round(sum(map(len, pipe_raws)) / 1e6, 1),
                        "floor_insert_per_s": round(floor_rate, 1),
                        "pipe_in_process_per_s": round(pipe_rate, 1),
                        "pipe_outcomes": pipe_outcomes,
                        "http_per_s": round(http_rate, 1),
                        "http_statuses": http_statuses,
                    }
                )
                report.figure(
                    f"pipe's work (mail_receive), {size} messages",
                    pipe_rate,
                    "msg/s",
                    better="higher",
                    floor=floor_rate,
                )
                report.figure(
                    f"POST /mail/inbound, {size} messages",
                    http_rate,
                    "msg/s",
                    better="higher",
                    floor=floor_rate,
                )
                report.check(
                    f"POST /mail/inbound answered 5xx, {size} messages",
                    sum(n for status, n in http_statuses.items() if status >= 500),
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
        each = pipe_processes(messages(options.processes, "proc", rng))
        result["pipe_process_seconds_each"] = round(each, 2)
    report.figure("receive_email process, start included", each, "s")
    memory = result["peak_memory_25mb"]
    report.figure(
        f"peak memory, one {memory['message_mb']} MB message", memory["tracemalloc_peak_mb"], "MB"
    )
    return report.emit(options.json)


if __name__ == "__main__":
    sys.exit(main())
