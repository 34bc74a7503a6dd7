"""Work on the second core: a fresh interpreter that runs one function of the library.

A run is one Python process, and most of its work holds the interpreter, so a thread cannot
use the machine's second core for it. :class:`Worker` starts a fresh interpreter (the same
Python, the same import path) that runs ``serve(inbox, outbox)`` of a module of the
library, and talks to it through two operating-system pipes: the caller's messages are
pickled and written by a thread of their own, so that the caller goes on while they are
sent; the worker's one reply is read when the caller asks for it. :func:`call_beside`
runs one function call so and :meth:`Beside.result` waits for what it returns.

Not multiprocessing's spawn (it imports the caller's main script again, which a script
without an ``if __name__ == "__main__"`` guard cannot bear) and not fork (the parent runs
Arrow's threads). Nothing goes through a file: the data stays in the memory of two
processes of the same user. The worker has no terminal (its output goes nowhere, so no
value can reach a screen or a log through it) and a session of its own (Ctrl+C stops the
run, which stops the worker); it reads until its pipe closes, so a run that dies, however
it dies, takes it along. A worker that fails names its error by type only, as a message
may hold a value; the library's own errors (:class:`~vhh.linkage.errors.LinkageError`,
whose messages name files, rows and columns, never values) are raised again as they were.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from importlib import import_module
from multiprocessing.connection import Connection
from typing import Any

from vhh.linkage.errors import LinkageError

__all__ = ["AVAILABLE", "Beside", "Worker", "call_beside"]

AVAILABLE = os.name == "posix" and bool(sys.executable)
"""Whether a worker can be started here (passing pipes to a child is POSIX only); where
not, a run does all of its work in one process, with the same results."""

_POLL = 0.5  # seconds between looks at whether the worker still lives
_STOP = ("stop",)
_BOOT = ("import sys\n"
         "from multiprocessing.connection import Connection\n"
         "inbox = Connection(int(sys.argv[1]), writable=False)\n"
         "sys.path[:] = inbox.recv()\n"
         "from vhh.linkage.worker import _run\n"
         "_run(inbox, Connection(int(sys.argv[2]), readable=False))\n")


def _run(inbox: Connection, outbox: Connection) -> None:  # pragma: no cover - the worker
    """The worker's own start: the serving function named in the first message, then that
    function until it returns. A parent that has gone ends it quietly."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run stops it; no traceback of its own
    try:
        module, name = inbox.recv()
        serve: Callable[[Connection, Connection], None] = getattr(import_module(module), name)
        serve(inbox, outbox)
    except EOFError:
        return
    except LinkageError as exc:  # a deliberate error: its message names no value, by rule
        with contextlib.suppress(OSError):
            outbox.send(("raised", exc) if _picklable(exc) else ("error", type(exc).__name__))
    except BaseException as exc:  # the type only: a message may hold a value  # noqa: BLE001
        with contextlib.suppress(OSError):
            outbox.send(("error", type(exc).__name__))


def _picklable(exc: BaseException) -> bool:  # pragma: no cover - runs in the worker
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001  (an exception type that does not pickle back)
        return False
    return True


class Worker:
    """A fresh interpreter running ``serve(inbox, outbox)`` of module ``serve[0]`` (see
    the module docstring). ``what`` says what it does, for the messages of a run it stops.

    ``put`` sends a message (it waits only while ``in_flight`` messages are still waiting
    to be sent); ``reply`` waits for the worker's answer; ``close`` stops it, whatever
    state it is in (again: nothing).
    """

    def __init__(self, serve: tuple[str, str], what: str, in_flight: int = 1) -> None:
        self.what = what
        to_worker, from_parent = os.pipe()[::-1]
        from_worker, to_parent = os.pipe()
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(from_parent), str(to_parent)],
                pass_fds=(from_parent, to_parent), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        except BaseException:
            os.close(to_worker)
            os.close(from_worker)
            raise
        finally:
            os.close(from_parent)
            os.close(to_parent)
        self._send = Connection(to_worker, readable=False)
        self._recv = Connection(from_worker, writable=False)
        self._outgoing: queue.Queue[object] = queue.Queue(maxsize=in_flight)
        self._sender = threading.Thread(target=self._feed, name="vhh-worker-send",
                                        daemon=True)
        self._sender.start()
        self._closed = False
        self.put(list(sys.path))
        self.put(serve)

    @property
    def pid(self) -> int:
        return self._process.pid

    def running(self) -> bool:
        return self._process.poll() is None

    def _feed(self) -> None:
        """The sending thread: pickle and write each message; a worker gone ends it."""
        while (item := self._outgoing.get()) is not _STOP:
            try:
                self._send.send(item)
            except OSError:  # the worker has ended: the caller finds out and says so
                return
            del item

    def put(self, item: object) -> None:
        """Send ``item``; a worker that has ended stops the run."""
        while True:
            try:
                self._outgoing.put(item, timeout=_POLL)
                return
            except queue.Full:
                if not self.running():
                    raise self.failure(self._last_word()) from None

    def reply(self) -> tuple[Any, ...]:
        """The worker's answer; one that failed or died stops the run (after close)."""
        message = None
        while message is None:
            if self._recv.poll(_POLL) or not self.running():
                message = self._last_word() or ("died",)
        if message[0] == "raised":  # the library's own error, as the worker raised it
            self.close()
            raise message[1]
        if message[0] in ("error", "died"):
            raise self.failure(message)
        return message

    def _last_word(self) -> tuple[Any, ...] | None:
        try:
            if not self._recv.poll(_POLL):
                return None
            message: tuple[Any, ...] = self._recv.recv()
        except (EOFError, OSError):
            return None
        return message

    def failure(self, message: tuple[Any, ...] | None) -> LinkageError:
        """The error that stops the run, named by its type or by the worker's exit code."""
        self.close()
        if message is not None and message[0] == "error":
            return LinkageError(
                f"the worker process that {self.what} failed ({message[1]}); the run has "
                "stopped and nothing was written: run it again, and report it to the "
                "maintainers if it fails again")
        code = self._process.returncode
        why = ("; -9 is the system ending it, often for lack of memory: run it again with "
               "fewer other programs open, or with a smaller [inputs] chunk_rows"
               if code == -signal.SIGKILL else ": run it again, and report it to the "
               "maintainers if it fails again")
        return LinkageError(f"the worker process that {self.what} stopped (exit code "
                            f"{code}); the run has stopped and nothing was written{why}")

    def close(self) -> None:
        """Stop the worker (at once when it still runs) and its sending thread."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(queue.Empty):
            while True:  # what was not sent yet is not needed any more
                self._outgoing.get_nowait()
        self._outgoing.put(_STOP)
        if self.running():
            self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._sender.join(timeout=10)
        self._send.close()
        self._recv.close()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:  # what it does, never what it holds
        return f"Worker({self.what}, {'running' if self.running() else 'ended'})"


def _serve_call(inbox: Connection, outbox: Connection) -> None:  # pragma: no cover
    """One function call: ``(module, name, args, kwargs)`` in, ``("done", result)`` out."""
    module, name, args, kwargs = inbox.recv()
    outbox.send(("done", getattr(import_module(module), name)(*args, **kwargs)))


class Beside:
    """A function call running in a :class:`Worker`; :meth:`result` waits for it."""

    def __init__(self, function: Callable[..., Any], what: str, *args: Any, **kwargs: Any
                 ) -> None:
        self._worker = Worker(("vhh.linkage.worker", "_serve_call"), what)
        self._done = False
        try:
            self._worker.put((function.__module__, function.__name__, args, kwargs))
        except BaseException:
            self._worker.close()
            raise

    def result(self) -> Any:
        """What the function returned (once); the worker ends."""
        if self._done:
            raise RuntimeError("Beside.result() called twice")
        self._done = True
        try:
            return self._worker.reply()[1]
        finally:
            self._worker.close()

    def close(self) -> None:
        self._worker.close()

    def __repr__(self) -> str:
        return f"Beside({self._worker!r})"


def call_beside(function: Callable[..., Any], what: str, *args: Any, **kwargs: Any
                ) -> Beside:
    """Start ``function(*args, **kwargs)`` in a worker; a module-level function of the
    library, its arguments and result picklable. ``what`` names the work for messages."""
    return Beside(function, what, *args, **kwargs)
