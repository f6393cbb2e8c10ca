"""scripts/run and scripts/test share one install (issue 21.7): switching between them installs
nothing; only a changed pyproject.toml does."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PO = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def _executable(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def _repository(tmp_path) -> Path:
    """A copy of the bootstrap with a virtualenv whose python only writes down what it was asked."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "_bootstrap.sh", tmp_path / "scripts")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "crm"\n')
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    _executable(tmp_path / ".venv" / "bin" / "python", '#!/bin/sh\necho "$@" >> "$(dirname "$0")/../../pip.log"\n')
    (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").write_text(PO)
    (tmp_path / "tools").mkdir()  # the browser the test extras look for, so nothing is installed by apt
    _executable(tmp_path / "tools" / "chromium", "#!/bin/sh\n")
    _executable(tmp_path / "tools" / "fc-list", "#!/bin/sh\necho wqy-microhei\n")
    return tmp_path


def _bootstrap(repository: Path, extras: str) -> int:
    """Source the bootstrap as scripts/run ("") or scripts/test ("test") do; how many installs so far."""
    env = {**os.environ, "PATH": f"{repository / 'tools'}:{os.environ['PATH']}", "PYTHON": sys.executable,
           "XDG_RUNTIME_DIR": str(repository / "var" / "run")}
    result = subprocess.run(["bash", "-c", f"source scripts/_bootstrap.sh {extras}"], cwd=repository, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    log = repository / "pip.log"
    return log.read_text().count("--upgrade pip") if log.exists() else 0


def test_switching_between_run_and_test_installs_nothing(tmp_path):
    repository = _repository(tmp_path)
    assert _bootstrap(repository, "") == 1
    assert _bootstrap(repository, "test") == 2  # the test extras, once
    assert _bootstrap(repository, "") == 2
    assert _bootstrap(repository, "test") == 2
    assert _bootstrap(repository, "") == 2


def test_the_run_uses_an_install_made_for_the_tests_and_a_new_pyproject_installs_again(tmp_path):
    repository = _repository(tmp_path)
    assert _bootstrap(repository, "test") == 1
    assert _bootstrap(repository, "") == 1
    (repository / "pyproject.toml").write_text('[project]\nname = "crm"\nversion = "2"\n')
    assert _bootstrap(repository, "") == 2
    assert _bootstrap(repository, "test") == 3
    stamps = sorted(path.name for path in (repository / ".venv").glob(".installed-*"))
    assert len(stamps) == 2 and stamps[0] + "-test" == stamps[1]  # the old pyproject's stamps are gone
