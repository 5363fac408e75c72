"""The lock of exact versions (requirements/) and the offline dependency audit
(scripts/dependency_audit.py): the lock says what pyproject.toml allows, the tests run on the
locked versions, and the audit finds a locked version inside an advisory's range."""

import importlib.util
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]


def _audit_module():
    spec = importlib.util.spec_from_file_location(
        "dependency_audit", ROOT / "scripts" / "dependency_audit.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


audit = _audit_module()


def _requirements(*, dev: bool) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = list(project["dependencies"])
    if dev:
        names += project["optional-dependencies"]["dev"]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize(("lock", "dev"), [("deploy.txt", False), ("dev.txt", True)])
def test_every_dependency_is_locked_at_a_version_pyproject_allows(lock, dev):
    pins = audit.locked_versions(ROOT / "requirements" / lock)
    wrong = []
    for requirement in _requirements(dev=dev):
        pinned = pins.get(audit.canonical(requirement.name))
        if pinned is None or not requirement.specifier.contains(pinned, prereleases=True):
            wrong.append(f"{requirement} locked at {pinned}")
    assert not wrong, "re-run `scripts/dev lock`: " + "; ".join(wrong)


def test_the_deployment_lock_carries_a_hash_for_every_pin():
    text = (ROOT / "requirements" / "deploy.txt").read_text()
    blocks = [block for block in text.split("\n") if audit.PIN.match(block)]
    assert blocks
    assert all(block.rstrip().endswith("\\") for block in blocks), "pins without --hash lines"
    assert text.count("--hash=sha256:") >= len(blocks)


def test_the_tests_run_on_the_locked_versions():
    pins = audit.locked_versions(ROOT / "requirements" / "dev.txt")
    differing = []
    for name, version in pins.items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform's or an older Python's package (the lock is universal)
        if installed != version:
            differing.append(f"{name} {installed} (lock: {version})")
    assert not differing, "run `scripts/dev setup`: " + "; ".join(differing)


def test_the_audit_finds_a_locked_version_inside_a_stored_advisory():
    """PYSEC-2024-70 (Django's JSONField alias injection) is in the stored snapshot: a lock
    of Django 4.2.14 is reported, 4.2.15 (the fix) and the real lock are not."""
    snapshot = audit.json.loads(audit.ADVISORIES.read_text())
    found = audit.audit({"django": "4.2.14"}, snapshot["advisories"], {})
    assert "PYSEC-2024-70" in {finding.advisory for finding in found}
    fixed = audit.audit({"django": "4.2.15"}, snapshot["advisories"], {})
    assert "PYSEC-2024-70" not in {finding.advisory for finding in fixed}
    pins = audit.locked_versions(ROOT / "requirements" / "dev.txt")
    findings = audit.audit(pins, snapshot["advisories"], audit.accepted_advisories())
    assert [finding for finding in findings if not finding.accepted] == []


def test_the_audit_reads_osv_ranges_and_accepted_advisories(tmp_path):
    advisory = {
        "id": "TEST-1",
        "aliases": ["CVE-0000-1"],
        "package": "example",
        "summary": "x",
        "affected": [
            {
                "ranges": [
                    {
                        "type": "ECOSYSTEM",
                        "events": [
                            {"introduced": "0"},
                            {"fixed": "1.2"},
                            {"introduced": "2.0"},
                            {"last_affected": "2.1"},
                            {"introduced": "3.0"},
                        ],
                    }
                ],
                "versions": [],
            }
        ],
    }
    hit = {v for v in ("1.1", "1.2", "2.0", "2.1", "2.2", "3.5") if audit.affects(advisory, v)}
    assert hit == {"1.1", "2.0", "2.1", "3.5"}  # 3.0 was never fixed
    accepted = tmp_path / "accepted.txt"
    accepted.write_text("# looked at\nCVE-0000-1  only the CLI is affected, which we do not run\n")
    (finding,) = audit.audit({"example": "1.0"}, [advisory], audit.accepted_advisories(accepted))
    assert finding.accepted == "only the CLI is affected, which we do not run"
