"""Check the locked dependency versions against known vulnerabilities, with no network.

The advisories are a snapshot of PyPA's advisory database kept in
requirements/advisories.json (``scripts/advisories_snapshot.py`` writes it). An advisory
names affected versions as OSV ranges (introduced / fixed / last_affected) or as a list; a
locked version inside one is reported with the advisory's id, and the audit fails. An
advisory the project has looked at and accepts goes in requirements/audit-accepted.txt with
the reason, and is then listed but does not fail the run. The snapshot's age is printed, so an
old database is seen, not trusted silently.

    python scripts/dependency_audit.py         # exit 1 on a known vulnerability
"""

import json
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
LOCKS = (ROOT / "requirements" / "deploy.txt", ROOT / "requirements" / "dev.txt")
ADVISORIES = ROOT / "requirements" / "advisories.json"
ACCEPTED = ROOT / "requirements" / "audit-accepted.txt"
# Older than this, every run says so in capitals: the audit then knows only what was known then.
STALE_DAYS = 90
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, str]:
    """Package -> pinned version of a lock written by ``uv pip compile``."""
    pins = {}
    for line in lock.read_text().splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def _in_ranges(version: Version, ranges: list[dict]) -> bool:
    for rng in ranges:
        if rng.get("type") not in ("ECOSYSTEM", "SEMVER"):
            continue
        introduced: Version | None = None
        for event in rng.get("events", []):
            if "introduced" in event:
                value = event["introduced"]
                introduced = Version("0") if value == "0" else Version(value)
            elif introduced is not None and "fixed" in event:
                if introduced <= version < Version(event["fixed"]):
                    return True
                introduced = None
            elif introduced is not None and "last_affected" in event:
                if introduced <= version <= Version(event["last_affected"]):
                    return True
                introduced = None
        if introduced is not None and version >= introduced:
            return True  # introduced and never fixed
    return False


def affects(advisory: dict, version_text: str) -> bool:
    try:
        version = Version(version_text)
    except InvalidVersion:
        return False
    for item in advisory["affected"]:
        listed = set()
        for text in item.get("versions", []):
            try:
                listed.add(Version(text))
            except InvalidVersion:
                continue
        if version in listed or _in_ranges(version, item.get("ranges", [])):
            return True
    return False


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    summary: str
    accepted: str  # the reason, when requirements/audit-accepted.txt names the advisory


def accepted_advisories(path: Path = ACCEPTED) -> dict[str, str]:
    """``ID  reason`` per line; # starts a comment."""
    accepted = {}
    if path.exists():
        for line in path.read_text().splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                ident, _, reason = line.partition(" ")
                accepted[ident] = reason.strip() or "accepted"
    return accepted


def audit(pins: dict[str, str], advisories: list[dict], accepted: dict[str, str]) -> list[Finding]:
    findings = []
    for advisory in advisories:
        version = pins.get(advisory["package"])
        if version is not None and affects(advisory, version):
            names = [advisory["id"], *advisory.get("aliases", [])]
            reason = next((accepted[name] for name in names if name in accepted), "")
            findings.append(
                Finding(advisory["package"], version, advisory["id"], advisory["summary"], reason)
            )
    return findings


def main() -> int:
    snapshot = json.loads(ADVISORIES.read_text())
    pins: dict[str, str] = {}
    for lock in LOCKS:
        pins.update(locked_versions(lock))
    missing = sorted(set(pins) - set(snapshot["packages"]))
    findings = audit(pins, snapshot["advisories"], accepted_advisories())
    age = (datetime.now(UTC) - datetime.fromisoformat(snapshot["date"])).days
    print(
        f"dependency audit: {len(pins)} locked packages against {len(snapshot['advisories'])} "
        f"advisories of PyPA's database as of {snapshot['date'][:10]} ({age} days old)"
    )
    if age > STALE_DAYS:
        print(
            f"  WARNING: the advisories are {age} days old: advisories published since are not"
            " known to this audit; refresh them (docs/operations.md, Dependencies)"
        )
    if missing:
        print(
            "  not checked, newer than the snapshot (re-run scripts/advisories_snapshot.py): "
            + ", ".join(missing)
        )
    for finding in findings:
        state = f"accepted: {finding.accepted}" if finding.accepted else "VULNERABLE"
        print(
            f"  {finding.package} {finding.version}: {finding.advisory} ({state}) {finding.summary}"
        )
    failing = [finding for finding in findings if not finding.accepted]
    if failing:
        print(f"dependency audit failed: {len(failing)} open advisories")
        return 1
    print("dependency audit: no open advisory")
    return 0


if __name__ == "__main__":
    sys.exit(main())
