"""A small asyncio process supervisor: start children, wait for their health checks,
prefix their log lines, restart crashed ones with back-off, stop them all cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PR_SET_PDEATHSIG = 1
STOP_GRACE_SECONDS = 10.0
STABLE_AFTER_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 30.0


@dataclass(frozen=True)
class ChildSpec:
    """How to start one child process and how to know it is ready."""

    name: str
    argv: list[str]
    health_url: str
    cwd: Path
    env: dict[str, str] = field(default_factory=dict)
    start_timeout: float = 180.0


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the supervisor dies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def backoff_delay(consecutive_failures: int) -> float:
    """Seconds to wait before restart number `consecutive_failures` (1, 2, 4 ... 30)."""
    return min(MAX_BACKOFF_SECONDS, 2.0 ** max(0, consecutive_failures - 1))


async def process_exit(pid: int) -> None:
    """Return when process `pid` has exited.

    `Process.wait()` also waits for the output pipe to close, which never happens while a
    grandchild (a Sanic worker, say) still holds it; a pidfd signals the exit itself.
    """
    loop = asyncio.get_running_loop()
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    exited: asyncio.Future[None] = loop.create_future()

    def mark_exited() -> None:
        if not exited.done():
            exited.set_result(None)

    loop.add_reader(pidfd, mark_exited)
    try:
        await exited
    finally:
        loop.remove_reader(pidfd)
        os.close(pidfd)


async def wait_healthy(url: str, process: asyncio.subprocess.Process, timeout: float) -> bool:
    """Poll `url` until it answers 200, the process exits, or `timeout` passes."""
    deadline = time.monotonic() + timeout
    interval = 0.2
    exit_task = asyncio.create_task(process_exit(process.pid))
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline and not exit_task.done():
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get(url)).status_code == 200:
                        return True
                await asyncio.wait([exit_task], timeout=interval)
                interval = min(interval * 1.5, 2.0)
    finally:
        exit_task.cancel()
    return False


class Child:
    """One supervised process and its restart state."""

    def __init__(self, spec: ChildSpec, emit: Callable[[str, str], None]) -> None:
        self.spec = spec
        self._emit = emit
        self.process: asyncio.subprocess.Process | None = None
        self.restarts = 0
        self._pump: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """PID of the running process, if any."""
        return self.process.pid if self.process and self.process.returncode is None else None

    async def start(self) -> asyncio.subprocess.Process:
        """Start the process in its own session, with its output piped to the log; return it."""
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.spec.env}
        self.process = await asyncio.create_subprocess_exec(
            *self.spec.argv,
            cwd=self.spec.cwd,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        self._pump = asyncio.create_task(self._pump_output(self.process))
        return self.process

    async def _pump_output(self, process: asyncio.subprocess.Process) -> None:
        assert process.stdout is not None
        async for raw in process.stdout:
            self._emit(self.spec.name, raw.decode("utf-8", errors="replace").rstrip())

    def kill_leftovers(self) -> None:
        """SIGKILL whatever is left in the process group of an exited child (e.g. its workers)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)

    async def stop(self) -> None:
        """SIGTERM the whole process group, SIGKILL it after a grace period."""
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=STOP_GRACE_SECONDS)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
        self.kill_leftovers()
        if self._pump:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._pump, timeout=2.0)


class Supervisor:
    """Runs a set of children until asked to stop."""

    def __init__(self, specs: list[ChildSpec], emit: Callable[[str, str], None] | None = None) -> None:
        self._emit = emit or print_prefixed
        self.children = [Child(spec, self._emit) for spec in specs]
        self._stopping = asyncio.Event()

    def request_stop(self) -> None:
        """Ask the supervisor to stop every child and return from `run`."""
        self._stopping.set()

    async def start_all(self) -> list[str]:
        """Start every child, then wait for all health checks at once; return the names not healthy."""
        processes = [await child.start() for child in self.children]
        healthy = await asyncio.gather(*(wait_healthy(c.spec.health_url, process, c.spec.start_timeout)
                                         for c, process in zip(self.children, processes, strict=True)))
        return [c.spec.name for c, ok in zip(self.children, healthy, strict=True) if not ok]

    async def _watch(self, child: Child) -> None:
        """Restart `child` whenever it exits, with exponential back-off, until stopping."""
        failures = 0
        while not self._stopping.is_set():
            assert child.process is not None
            started = time.monotonic()
            await process_exit(child.process.pid)
            if self._stopping.is_set():
                return
            child.kill_leftovers()
            code = await child.process.wait()
            failures = 1 if time.monotonic() - started > STABLE_AFTER_SECONDS else failures + 1
            delay = backoff_delay(failures)
            self._emit("supervisor", f"{child.spec.name} exited with code {code}; restarting in {delay:.0f} s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)
            if self._stopping.is_set():
                return
            child.restarts += 1
            await child.start()
            if await wait_healthy(child.spec.health_url, child.process, child.spec.start_timeout):
                self._emit("supervisor", f"{child.spec.name} is back (restart #{child.restarts})")

    async def run(self, on_ready: Callable[[list[str]], None] | None = None) -> None:
        """Start all children, call `on_ready` with the unhealthy names, supervise until stopped."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_stop)
        watchers: list[asyncio.Task[None]] = []
        try:
            failed = await self.start_all()
            if not self._stopping.is_set():
                if on_ready:
                    on_ready(failed)
                watchers = [asyncio.create_task(self._watch(child)) for child in self.children]
                await self._stopping.wait()
        finally:
            self._stopping.set()
            for task in watchers:
                task.cancel()
            await asyncio.gather(*(child.stop() for child in reversed(self.children)))
            self._emit("supervisor", "all processes stopped")


def print_prefixed(name: str, line: str) -> None:
    """Write one log line prefixed with its process name."""
    sys.stdout.write(f"{name:<10}| {line}\n")
    sys.stdout.flush()
