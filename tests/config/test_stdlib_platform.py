"""`platform/` is a source folder: Python's own `platform` module must win everywhere."""

import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()
BIN = Path(sys.executable).parent


def test_platform_folder_is_not_a_package():
    assert (ROOT / "platform" / "config").is_dir()
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_a_python_started_in_the_repository_imports_the_stdlib_platform():
    # A fresh interpreter with the repository root first on sys.path (as pytest and
    # manage.py have it), importing Django's settings before `platform`.
    script = "import config.settings, platform; print(platform.__file__, platform.system())"
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert Path(out[0]).resolve().parent == STDLIB
    assert out[1] == "Linux"


def test_manage_py_imports_the_stdlib_platform():
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "import platform; print(platform.__file__)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert Path(out.strip().splitlines()[-1]).resolve().parent == STDLIB


@pytest.mark.slow
def test_celery_imports_the_stdlib_platform():
    # `celery report` calls platform.system() & co.; a shadowing package would break it.
    result = subprocess.run(
        [str(BIN / "celery"), "-A", "config", "report"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "platform -> system:Linux" in result.stdout
