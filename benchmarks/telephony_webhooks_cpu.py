"""Where the machine's cores go during a phase of benchmarks/telephony_webhooks.py: the
machine's CPU (busy, idle, waiting on the disk) from /proc/stat, and the CPU time of each
group of processes (the gunicorn workers, the PostgreSQL backends, PostgreSQL's own
processes such as the WAL writer, this process, which is the load generator, and the rest
of the machine) from /proc/<pid>/stat; with the WAL the server wrote and flushed
(pg_stat_wal). Linux only; elsewhere it reports nothing.

If the cores are idle while the callers wait, the ceiling is not the CPU: the workers wait
on their round trips or on the commit's WAL flush.
"""

import os
from dataclasses import dataclass, field

from django.db import connection

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
# /proc/stat's cpu line: user nice system idle iowait irq softirq steal (guest are in user)
_IDLE, _IOWAIT = 3, 4

# "other": the rest of the machine, other databases' backends included.
GROUPS = ("gunicorn", "postgres backends", "postgres (wal, checkpoints, vacuum)", "load", "other")


def _group(pid: int, command: str, database: str) -> str:
    if pid == os.getpid():
        return "load"
    if "gunicorn" in command:
        return "gunicorn"
    if command.startswith("postgres: "):
        # A backend's title: "postgres: [cluster:] user database address(port) state".
        words = command.split()
        if "(" in command or "[local]" in command:
            return "postgres backends" if database in words else "other"
        return "postgres (wal, checkpoints, vacuum)"
    return "other"


def _switches(pid: int) -> int:
    """The times the process (its main thread) gave up its core, waiting, or was made to."""
    total = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:")):
                total += int(line.split()[1])
    return total


def _processes(database: str) -> dict[int, tuple[str, int, int]]:
    """pid -> (group, CPU ticks so far, context switches so far) of every process this user
    may read."""
    found: dict[int, tuple[str, int, int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        pid = int(name)
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace").strip()
            switches = _switches(pid)
        except OSError:
            continue
        # utime and stime; not its children's (a test run's shell would count a whole run)
        ticks = int(fields[11]) + int(fields[12])
        found[pid] = (_group(pid, command, database), ticks, switches)
    return found


def _machine() -> list[int]:
    with open("/proc/stat") as stat:
        return [int(value) for value in stat.readline().split()[1:9]]


def _wal() -> tuple[int, int, int]:
    """(WAL bytes, WAL writes, WAL flushes) of the whole server so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT wal_bytes, wal_write, wal_sync FROM pg_stat_wal")
        bytes_, writes, syncs = cursor.fetchone()
    return int(bytes_), int(writes), int(syncs)


@dataclass
class Share:
    """What a phase cost the machine."""

    seconds: float
    busy: float  # % of all cores
    idle: float
    iowait: float
    cores: dict[str, float] = field(default_factory=dict)  # cores used per group
    switches: dict[str, int] = field(default_factory=dict)  # context switches per group
    wal: tuple[int, int, int] = (0, 0, 0)  # bytes, writes, flushes during the phase

    def ours(self, requests: int) -> float:
        """Milliseconds of CPU per request of what serves it: gunicorn, PostgreSQL (its
        backends and its own processes) and the load generator; not the rest of the
        machine."""
        per = self.per_request(requests)
        return sum(per.get(group, 0.0) for group in GROUPS[:4])

    def per_request(self, requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request, per group."""
        if not requests:
            return {}
        spent = self.cores.items()
        return {group: 1000 * cores * self.seconds / requests for group, cores in spent}

    def print(self, requests: int) -> None:
        per = self.per_request(requests)
        print(
            f"  CPU of the machine: busy {self.busy:.0f} %, idle {self.idle:.0f} %"
            f" (of which waiting on the disk {self.iowait:.0f} %)"
        )
        print(
            "  CPU per request: "
            + ", ".join(f"{group} {per.get(group, 0):.2f} ms" for group in GROUPS)
            + f"; all but the rest: {self.ours(requests):.2f} ms"
        )
        if requests:
            print(
                "  context switches per request: "
                + ", ".join(
                    f"{group} {self.switches.get(group, 0) / requests:.1f}" for group in GROUPS[:2]
                )
            )
            bytes_, writes, syncs = self.wal
            print(
                f"  WAL per request (the whole server): {bytes_ / requests:.0f} bytes,"
                f" {writes / requests:.2f} writes, {syncs / requests:.2f} flushes"
            )


class Sampler:
    """Start before a phase, ``stop()`` after it."""

    def __init__(self) -> None:
        self.available = os.path.exists("/proc/stat")
        if not self.available:
            return
        self.database = connection.settings_dict["NAME"]
        self.wal = _wal()
        self.machine = _machine()
        self.processes = _processes(self.database)

    def stop(self) -> Share | None:
        if not self.available:
            return None
        machine, processes, wal = _machine(), _processes(self.database), _wal()
        spent = [after - before for after, before in zip(machine, self.machine, strict=True)]
        total = sum(spent) or 1
        seconds = total / TICK / (os.cpu_count() or 1)
        cores = dict.fromkeys(GROUPS, 0.0)
        switches = dict.fromkeys(GROUPS, 0)
        for pid, (group, ticks, switched) in processes.items():
            # A process started during the phase counts from zero.
            earlier = self.processes.get(pid)
            before = earlier if earlier and earlier[0] == group else (group, 0, 0)
            cores[group] += (ticks - before[1]) / TICK / seconds
            switches[group] += switched - before[2]
        # The rest: what the machine spent and the groups above did not; so processes
        # that began and ended within the phase (a test run's) count too.
        busy = (total - spent[_IDLE] - spent[_IOWAIT]) / total * (os.cpu_count() or 1)
        cores["other"] = max(cores["other"], busy - sum(cores[group] for group in GROUPS[:4]))
        return Share(
            seconds=seconds,
            busy=100 * (total - spent[_IDLE] - spent[_IOWAIT]) / total,
            idle=100 * (spent[_IDLE] + spent[_IOWAIT]) / total,
            iowait=100 * spent[_IOWAIT] / total,
            cores=cores,
            switches=switches,
            wal=(wal[0] - self.wal[0], wal[1] - self.wal[1], wal[2] - self.wal[2]),
        )
