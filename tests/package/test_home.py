"""The suite, and the README's offline cite, write nothing in the user's home."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path

from embedres.resolve import default_cache_path
from tests.support.paths import REPO, SEED


def _real_home() -> Path:
    return Path(pwd.getpwuid(os.getuid()).pw_dir)


def _tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and mtime (empty when ``root`` is missing)."""
    if not root.is_dir():
        return {}
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


def test_the_default_cache_is_in_a_temporary_home(fake_home: Path) -> None:
    """The autouse fixture moved $HOME and XDG_CACHE_HOME: the default cache is under tmp."""
    assert Path(os.environ["HOME"]) == fake_home
    assert fake_home.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    assert default_cache_path().is_relative_to(fake_home)
    assert not default_cache_path().is_relative_to(_real_home())


def test_readme_offline_cite_writes_only_in_the_temporary_home(tmp_path: Path) -> None:
    """``embedres cite --offline SEED`` with a fake HOME (no XDG variables) and a temporary
    working directory: the citation is printed, the cache goes to the fake home's ~/.cache,
    and neither the real home's cache nor the repository gains or changes a file."""
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    real_cache = _real_home() / ".cache" / "embedres"
    before_real, before_repo = _tree(real_cache), _repo_status()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env["HOME"] = str(home)
    out = subprocess.run(
        [sys.executable, "-m", "embedres", "cite", "--offline", "--no-progress", str(SEED)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    [citation] = json.loads(out.stdout)
    assert citation["post"]["author_handle"] == "RTenfrancais"
    # Coverage's subprocess data files (.coverage.*, under --cov) are the test's own, not ours.
    created = sorted(
        str(p.relative_to(tmp_path))
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.name.startswith(".coverage")
    )
    assert "home/.cache/embedres/resolve.sqlite" in created, created
    assert all(name.startswith("home/.cache/embedres/") for name in created), created
    assert _tree(real_cache) == before_real
    assert _repo_status() == before_repo


def _repo_status() -> str:
    """Untracked and modified files of the repository (git's view, ignored files left out)."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
