"""Start and stop a matcher app, with or without its HTTP server: the one shutdown path.

A FastStream app stops on ``exit()``; an ASGI app under uvicorn stops only when its server is
told to (``AsgiFastStream.exit()`` does nothing when it did not start uvicorn itself). The
runner owns the uvicorn server, so :meth:`Runner.stop` ends either kind the same way: the batch
in flight is committed, the broker stops, the catalog follower ends. ``matcher run``,
``matcher demo``, ``matcher bench`` and the tests all run the app through it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

from faststream import FastStream
from faststream.asgi import AsgiFastStream
from faststream.kafka import KafkaBroker


class MatcherApp(Protocol):
    """What running needs of an app (:class:`streams.kafka.app.MatcherApp`)."""

    @property
    def app(self) -> FastStream | AsgiFastStream: ...

    @property
    def broker(self) -> KafkaBroker: ...

    @property
    def http(self) -> bool: ...


def exit_zero_after_signals() -> None:
    """uvicorn shuts down gracefully on SIGTERM / SIGINT, then re-raises the signal to the
    handler it found: a no-op one, so a clean shutdown exits 0 (not 143)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)


class Runner:
    """Runs ``app`` until :meth:`stop` (or SIGTERM / SIGINT, when signals are handled)."""

    def __init__(self, app: MatcherApp, host: str, port: int, signals: bool = False) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.signals = signals
        self._server: Any = None  # uvicorn.Server, when the app serves HTTP

    @property
    def url(self) -> str | None:
        """The HTTP endpoint's base URL (None without one)."""
        if not self.app.http:
            return None
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    async def serve(self) -> None:
        """Run until stopped; returns after a clean shutdown."""
        if isinstance(self.app.app, AsgiFastStream):
            import uvicorn

            config = uvicorn.Config(
                self.app.app,
                host=self.host,
                port=self.port,
                log_config=None,  # our logging, as configured by streams.ops.logs
                lifespan="on",
            )
            self._server = uvicorn.Server(config)
            if self.signals:
                exit_zero_after_signals()
            else:
                # Embedded in another program (the demo, tests): it owns the signals.
                self._server.capture_signals = contextlib.nullcontext
            try:
                await self._server.serve()
            except SystemExit as exc:  # uvicorn's way of saying start-up failed
                raise RuntimeError(
                    f"the HTTP endpoint could not start on {self.host}:{self.port} "
                    "(port in use? set MATCHER_HTTP_PORT, or 0 for none); see the log above"
                ) from exc
        else:
            await self.app.app.run()

    def stop(self) -> None:
        """Ask for a graceful shutdown (returns at once; :meth:`serve` returns when it is done)."""
        if self._server is not None:
            self._server.should_exit = True
        else:
            self.app.app.exit()


async def wait_running(app: MatcherApp, timeout_s: float = 120.0) -> None:
    """Until the broker is connected and its subscribers have started."""
    broker = app.broker
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if broker.running and all(getattr(s, "running", True) for s in broker.subscribers):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError("the consumer did not start")


@contextlib.asynccontextmanager
async def running(
    app: MatcherApp, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 60.0
) -> AsyncIterator[Runner]:
    """The app running in this event loop for a ``async with`` block, stopped and awaited on
    exit (its HTTP endpoint, if any, on ``port``; 0 picks a free one)."""
    runner = Runner(app, host, port or free_port() if app.http else port)
    task = asyncio.create_task(runner.serve())
    try:
        await _until_started(app, task)
        yield runner
    finally:
        runner.stop()
        await asyncio.wait_for(task, timeout_s)


async def _until_started(app: MatcherApp, task: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(wait_running(app))
    done, _ = await asyncio.wait({waiter, task}, return_when=asyncio.FIRST_COMPLETED)
    if task in done:  # the app ended before it ever ran: say why
        waiter.cancel()
        task.result()
        raise RuntimeError("the app stopped before it started")
    waiter.result()


def free_port() -> int:
    """A TCP port nothing listens on now (loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(
    app: Any, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 60.0
) -> AsyncIterator[str]:
    """Any ASGI app (the review page) under uvicorn in this event loop for an ``async with``
    block; yields its base URL, stops it (and waits) on exit."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_config=None))
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError(f"{app!r} stopped before it started")
            await asyncio.sleep(0.05)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout_s)
