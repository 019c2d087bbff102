"""Test helpers: free ports, the process tree under a PID, and a running `trolyso run`."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import Engine

from bot.db import get_engine
from bot.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _parent_pids() -> dict[int, int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces: split after the last ')'
        fields = stat.rsplit(")", 1)[1].split()
        parents[int(entry.name)] = int(fields[1])
    return parents


def descendants(pid: int) -> set[int]:
    """Every process below `pid` in the process tree."""
    parents = _parent_pids()
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def is_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    """The command line of `pid`, spaces between arguments ('' if gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class RunningAssistant:
    """`trolyso run` started on free ports, its output collected for assertions."""

    def __init__(self, extra_env: dict[str, str] | None = None) -> None:
        self.gateway_port = free_port()
        self.rasa_port = free_port()
        self.action_port = free_port()
        self.base_url = f"http://127.0.0.1:{self.gateway_port}"
        self._tracker_dir = Path(tempfile.mkdtemp(prefix="trolyso-tracker-"))
        self.env = {
            **os.environ,
            "GATEWAY_PORT": str(self.gateway_port),
            "RASA_URL": f"http://127.0.0.1:{self.rasa_port}",
            "ACTION_SERVER_PORT": str(self.action_port),
            "TELEGRAM_BOT_TOKEN": "",
            # each assistant keeps its conversations apart (a chat id of one test never meets another test's)
            "TRACKER_STORE_URL": f"sqlite:///{self._tracker_dir / 'tracker.db'}",
            **(extra_env or {}),
        }
        self.output: list[str] = []
        self.process: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 300.0) -> None:
        """Start the supervisor and wait for its banner."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=PROJECT_ROOT, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        threading.Thread(target=self._collect, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("Trợ lý số is ready" in line for line in self.output):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("trolyso run did not become ready:\n" + "\n".join(self.output[-60:]))

    @staticmethod
    def database() -> Engine:
        """The database the running assistant uses (its settings come from the same environment)."""
        return get_engine(Settings().database_url)

    def _collect(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            self.output.append(line.rstrip())

    def wait_for_output(self, text: str, timeout: float) -> bool:
        """Wait until a line containing `text` was printed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.output):
                return True
            time.sleep(0.2)
        return False

    def child_pid(self, marker: str) -> int:
        """The PID of the direct child whose command line contains `marker`."""
        assert self.process
        for pid in descendants(self.process.pid):
            if marker in cmdline(pid) and _parent_pids().get(pid) == self.process.pid:
                return pid
        raise LookupError(marker)

    def healthz(self) -> httpx.Response:
        """GET /healthz of the gateway."""
        return httpx.get(f"{self.base_url}/healthz", timeout=10)

    def stop(self) -> int | None:
        """Send SIGINT like Ctrl-C and wait for the supervisor to exit; return its exit code. The conversations'
        default store (a temporary SQLite file) is deleted."""
        try:
            if self.process is None or self.process.poll() is not None:
                return self.process.returncode if self.process else None
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                return self.process.wait()
        finally:
            shutil.rmtree(self._tracker_dir, ignore_errors=True)
