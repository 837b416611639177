"""A private, throwaway PostgreSQL server a test may stop and start (tests/test_outage.py).

The shared server behind TEST_DATABASE_URL is used by every other test and must stay up, so
the outage test runs its own cluster: `initdb` into a temporary folder, `pg_ctl start` on a
free port (its socket in the same folder), `pg_ctl stop -m immediate` to pull the plug (the
server dies as if the machine lost power: no goodbye to clients, crash recovery on the next
start). The binaries are PostgreSQL's own (pg_config --bindir, or Debian's
/usr/lib/postgresql/<v>/bin). PostgreSQL refuses to run as root, so as root the commands
run as the `postgres` system user.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return Path(initdb).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        folder = Path(out.stdout.strip())
        if (folder / "initdb").exists():
            return folder
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def binaries_or_skip() -> Path:
    """The server binaries' folder. Without them a plain `pytest` on a developer's machine skips
    the outage tests with the reason (#12); CI (CI=true) fails instead, since a skip there would
    hide them."""
    bindir = _bindir()
    if bindir is not None:
        return bindir
    reason = "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError(reason)
    pytest.skip(f"{reason} (Debian: apt install postgresql); CI runs these tests")


class PrivateCluster:
    """initdb + pg_ctl on a temporary folder and a free port (trust authentication)."""

    def __init__(self) -> None:
        self.bindir = binaries_or_skip()
        self.as_postgres = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="chibo-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        if self.as_postgres:
            shutil.chown(self.folder, user="postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
                  "--no-sync", "--no-instructions")  # fmt: skip

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=self.folder)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr or done.stdout}")

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "immediate") -> None:
        """`immediate`: every backend is killed at once, open transactions are lost."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def pids(self) -> list[int]:
        """The postmaster and every process it started (backends, checkpointer, …)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        return [postmaster, *map(int, children)]

    def freeze(self) -> None:
        """SIGSTOP this cluster's processes: connections stay open, nothing answers (a
        hung server, or one cut off by the network)."""
        for pid in self.pids():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.pids():
            os.kill(pid, signal.SIGCONT)

    def running(self) -> bool:
        with socket.socket() as s:
            return s.connect_ex(("127.0.0.1", self.port)) == 0

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.thaw()
        if self.running():
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
