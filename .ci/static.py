"""Type check (mypy) and layer contracts (import-linter) over the installed `hamyar` namespace.

Installed, `core/`, `plugins/` and `workers/` are `hamyar.core`, `hamyar.plugins` and
`hamyar.workers` (setup.py maps them). Static tools find packages on disk, not through the
editable install's import hook, so this script first mirrors the mapping as a tree of links in
`.build/view/hamyar/` (real folders, each source file a link to the original), then runs both
tools on that tree and prints their findings with the repository's own paths.

    python .ci/static.py            # both
    python .ci/static.py mypy       # one of them
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VIEW = ROOT / ".build" / "view"
FOLDERS = {
    "hamyar": "hamyar",
    "hamyar/core": "core",
    "hamyar/plugins": "plugins",
    "hamyar/workers": "workers",
}
SKIP = {"__pycache__", "versions", "static", "templates"}
"""Folders with no Python to check (Alembic's generated revisions, web assets)."""


def build_view() -> None:
    shutil.rmtree(VIEW, ignore_errors=True)
    for target, source in FOLDERS.items():
        for folder, dirs, files in os.walk(ROOT / source):
            # hamyar/ holds only the public module and __main__; the rest is mapped into it
            dirs[:] = [] if source == "hamyar" else [d for d in dirs if d not in SKIP]
            relative = Path(folder).relative_to(ROOT / source)
            here = VIEW / target / relative
            here.mkdir(parents=True, exist_ok=True)
            for name in files:
                if name.endswith((".py", ".pyi", ".typed")):
                    (here / name).symlink_to(Path(folder) / name)


def readable(output: str) -> str:
    """Findings named by the repository's paths (`core/web/app.py`), not the view's."""
    for target, source in sorted(FOLDERS.items(), key=lambda kv: -len(kv[0])):
        output = output.replace(f"{VIEW}/{target}/", f"{source}/")
        output = re.sub(rf"(?<![\w/])\.build/view/{re.escape(target)}/", f"{source}/", output)
    return output


def run(name: str, command: list[str], cwd: Path = ROOT) -> int:
    env = {**os.environ, "MYPYPATH": str(VIEW), "PYTHONPATH": str(VIEW)}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    print(readable(done.stdout + done.stderr).rstrip())
    print(f"{name}: {'ok' if done.returncode == 0 else 'FAILED'}")
    return done.returncode


def main() -> int:
    wanted = set(sys.argv[1:]) or {"mypy", "imports"}
    build_view()
    bin_dir = Path(sys.executable).parent
    failed = 0
    if "mypy" in wanted:
        failed |= run("mypy", [str(bin_dir / "mypy"), "-p", "hamyar"])
    if "imports" in wanted:
        # import-linter puts its working directory first on sys.path: run it from the view, so
        # `hamyar` is found there and not as the repository's own hamyar/ folder.
        config = str(ROOT / "pyproject.toml")
        failed |= run(
            "import contracts", [str(bin_dir / "lint-imports"), "--config", config], cwd=VIEW
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
