"""Write requirements/advisories.json: the advisories of PyPA's advisory database (OSV format)
for the packages in requirements/dev.txt, so that ``scripts/dependency_audit.py`` can check the
lock with no network.

Run by hand when the database has moved on (docs/operations.md, "Dependencies"):

    git clone https://github.com/pypa/advisory-database /somewhere/advisory-database
    .venv/bin/pip install pyyaml   # only this script needs it
    .venv/bin/python scripts/advisories_snapshot.py /somewhere/advisory-database
"""

import json
import subprocess
import sys
from pathlib import Path

import yaml
from dependency_audit import LOCKS, ROOT, canonical, locked_versions

OUT = ROOT / "requirements" / "advisories.json"


def database_commit(database: Path) -> tuple[str, str]:
    """The checkout's commit and its date, kept in the snapshot so its age is known."""
    out = subprocess.run(
        ["git", "-C", str(database), "log", "-1", "--format=%H %cI"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], out[1]


def main(database: Path) -> None:
    packages = set()
    for lock in LOCKS:
        packages |= set(locked_versions(lock))
    advisories = []
    for folder in sorted((database / "vulns").iterdir()):
        if canonical(folder.name) not in packages:
            continue
        for path in sorted(folder.glob("*.yaml")):
            entry = yaml.safe_load(path.read_text())
            if entry.get("withdrawn"):
                continue
            # The ranges say it all where they exist; the list of versions is kept only
            # where an advisory has no range (it is most of the file's size otherwise).
            affected = [
                {
                    "ranges": item.get("ranges", []),
                    "versions": [] if item.get("ranges") else item.get("versions", []),
                }
                for item in entry.get("affected", [])
                if canonical(item["package"]["name"]) == canonical(folder.name)
            ]
            advisories.append(
                {
                    "id": entry["id"],
                    "aliases": entry.get("aliases", []),
                    "package": canonical(folder.name),
                    "summary": (entry.get("summary") or entry.get("details", ""))[:200],
                    "affected": affected,
                }
            )
    commit, date = database_commit(database)
    OUT.write_text(
        json.dumps(
            {
                "source": "https://github.com/pypa/advisory-database",
                "commit": commit,
                "date": date,
                "packages": sorted(packages),
                "advisories": advisories,
            },
            indent=1,
            sort_keys=True,
        )
        + "\n"
    )
    print(f"{len(advisories)} advisories for {len(packages)} locked packages, database of {date}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
