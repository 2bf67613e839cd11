"""A student's kernel, started in the sandbox, driven message by message.

:class:`StudentKernel` runs code with a wall-time limit, keeps at most a given amount of
output, notices a kernel that died, and calls the student's functions on plain data
(:mod:`autograder.wire`), answering the kernel's requests to run grader-side callables.
"""

from __future__ import annotations

import inspect
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator
from typing import Callable

import nbformat
import zmq
from jupyter_client.manager import KernelManager

from autograder import sandbox, wire

#: Name under which the grader's side of :mod:`autograder.wire` lives in the kernel.
HARNESS = "_autograder_wire"
#: Largest message accepted from the call loop (bytes).
MAX_MESSAGE = 2 * wire.MAX_CHARS
#: What the student's own ``input()`` gets while the grader calls their functions.
NO_INPUT = "(error: input() gets no answer while the grader calls your functions)"


#: CPU seconds (user + system) used by the kernels this process has stopped, each with its whole
#: sandbox (bubblewrap, its init, the kernel), counted only while ``$AUTOGRADER_CPU_LOG`` is set.
#: They are killed with their sandbox, not waited for, so ``getrusage`` misses them;
#: :mod:`autograder.runner` adds this to the CPU it logs.
stopped_kernels_cpu = 0.0


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system, reaped children's included) of process ``pid`` and all its
    descendants now, from ``/proc`` (0 when it is gone)."""
    children: dict[int, list[int]] = {}
    ticks: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="utf-8", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        ticks[int(entry.name)] = sum(int(value) for value in fields[11:15])
    total, todo = 0, [pid]
    while todo:
        found = todo.pop()
        total += ticks.get(found, 0)
        todo += children.get(found, [])
    return total / os.sysconf("SC_CLK_TCK")


class KernelDied(RuntimeError):
    """The kernel process ended (crash, ``os._exit``, memory limit, killed)."""


class CallTimeout(TimeoutError):
    """A cell or call ran longer than its limit."""


@dataclass
class Execution:
    """What running one piece of code produced."""

    outputs: list = field(default_factory=list)
    status: str = "ok"               # "ok", "error", "timeout" or "died"
    execution_count: int | None = None
    user_expressions: dict = field(default_factory=dict)
    truncated: bool = False


class _SandboxedKernelManager(KernelManager):
    """A kernel manager whose kernel command is wrapped by :func:`sandbox.kernel_command`."""

    wrap: Callable[[list[str]], list[str]] | None = None

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        return self.wrap(command) if self.wrap else command


def kernel_environment(scratch: Path, data_dir: Path) -> dict[str, str]:
    """A small, explicit environment for the student's kernel (nothing of the grader's)."""
    home = scratch / "home"
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local/share/jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local/share/jupyter/runtime"),
        "COURSE_DATA_DIR": str(data_dir),
        # figures are not needed to grade; drawing them off-screen without PNG encoding is faster
        "MPLBACKEND": "agg",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "LANG": "C.UTF-8",
        "NBGRADER_EXECUTION": "autograde",
    }


def _matplotlib_cache() -> Path | None:
    """The grader's own matplotlib font cache, copied into each kernel's home: a fresh home
    would otherwise rebuild it, which takes seconds, for every notebook."""
    try:
        import matplotlib

        return Path(matplotlib.get_cachedir())
    except Exception:  # noqa: BLE001 - without a cache the kernel builds its own
        return None


def _remove(path: Path) -> None:
    """Remove a file, link or folder (not what a link points to), if there is one."""
    if path.is_symlink() or path.is_file() or path.exists() and not path.is_dir():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


class StudentKernel:
    """One sandboxed kernel with its scratch folder. Use as a context manager."""

    def __init__(self, scratch: Path, workdir: Path, readonly: list[Path], data_dir: Path,
                 limits: sandbox.Limits, *, slot: int = 0, isolate: bool = True,
                 max_output_chars: int = 100_000) -> None:
        self.scratch, self.workdir, self.readonly = scratch, workdir, readonly
        self.data_dir, self.limits, self.slot, self.isolate = data_dir, limits, slot, isolate
        self.max_output_chars = max_output_chars
        self.manager: _SandboxedKernelManager | None = None
        self.client = None
        self._serving: str | None = None   # msg_id of the running wire.serve() loop, if any
        self._calls = 0                     # calls made: each call's number, echoed by its answer
        self._listener: socket.socket | None = None
        self._connection: socket.socket | None = None   # wire.serve's end of the calls socket
        self._inbox = bytearray()
        self._harness_loaded = False

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        home = self.scratch / "home"
        (home / ".matplotlib").mkdir(parents=True, exist_ok=True)
        cache = _matplotlib_cache()
        if cache is not None:
            for item in cache.glob("fontlist-*.json"):
                shutil.copy(item, home / ".matplotlib" / item.name)
        for stale in [*self.scratch.glob("kernel-ipc-*"), self.calls_path.parent]:
            _remove(stale)   # whatever an earlier kernel of this student left there
        # the socket the calls of the student's functions go through (wire.serve connects to it),
        # in a folder only the kernel's user can enter (prepare_scratch hands it over when grading
        # as root), made before the kernel starts, so no student code can be there first; a
        # connection is the harness's only if its first message carries the token of the loop
        self.calls_path.parent.mkdir(mode=0o700)
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.calls_path))
        self._listener.listen(4)
        self._listener.setblocking(False)
        self._connection = None
        self._inbox = bytearray()
        if self.isolate:
            sandbox.prepare_scratch(self.scratch, self.slot)
        manager = _SandboxedKernelManager(
            kernel_name="python3", transport="ipc", ip=str(self.scratch / "kernel-ipc"),
            connection_file=str(self.scratch / "kernel-connection.json"),
        )
        # interrupt by message: a signal to the launcher would not reach the kernel's own session
        manager.kernel_spec.interrupt_mode = "message"
        if self.isolate:
            manager.wrap = lambda command: sandbox.kernel_command(
                command, self.scratch, self.workdir, self.readonly, self.limits, self.slot)
        manager.write_connection_file()
        if self.isolate:
            sandbox.prepare_scratch(self.scratch, self.slot)
        manager.start_kernel(env=kernel_environment(self.scratch, self.data_dir), cwd=str(self.workdir),
                             extra_arguments=["--HistoryManager.hist_file=:memory:"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = manager.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=120)
        except RuntimeError as error:
            manager.shutdown_kernel(now=True)
            raise KernelDied(f"the kernel did not start: {error}") from None
        self.manager, self.client = manager, client
        self._channels = {channel.socket: (name, channel) for name, channel in
                          (("stdin", client.stdin_channel), ("shell", client.shell_channel),
                           ("iopub", client.iopub_channel))}
        self._poller = zmq.Poller()
        for channel_socket in self._channels:
            self._poller.register(channel_socket, zmq.POLLIN)
        self._harness_loaded = False
        self._serving = None

    @property
    def calls_path(self) -> Path:
        """The Unix socket, in the scratch folder, that :func:`wire.serve` connects to."""
        return self.scratch / "calls" / "socket"

    def stop(self) -> None:
        if self.client is not None:
            self.client.stop_channels()
        self._serving = None
        self._hang_up()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self.manager is not None:
            pid = getattr(getattr(self.manager, "provisioner", None), "pid", None)
            if pid and os.environ.get("AUTOGRADER_CPU_LOG"):
                global stopped_kernels_cpu
                stopped_kernels_cpu += tree_cpu(pid)
            try:
                self.manager.shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
            self.manager.cleanup_resources()
        self.manager = self.client = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def alive(self) -> bool:
        return self.manager is not None and self.manager.is_alive()

    def __enter__(self) -> "StudentKernel":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- running code -------------------------------------------------------------------------
    def execute(self, code: str, timeout: float, *, user_expressions: dict | None = None,
                on_input: Callable[[str], str] | None = None, keep_outputs: bool = True) -> Execution:
        """Run ``code``; wait at most ``timeout`` seconds (then interrupt, and restart if the
        interrupt is not honoured). ``on_input`` answers the kernel's ``input()`` requests."""
        if not self.alive():
            raise KernelDied("the kernel is not running")
        self.end_calls()
        self._harness_loaded = False   # code runs: it may replace the harness (load_harness sets it again)
        client = self.client
        msg_id = client.execute(code, store_history=keep_outputs, allow_stdin=on_input is not None,
                                user_expressions=user_expressions or {}, stop_on_error=False)
        result = Execution()
        used = 0
        idle = False
        reply = None
        for channel, message in self._messages(msg_id, time.monotonic() + timeout):
            if channel == "timeout":
                return self._timed_out(result, timeout)
            if channel == "died":
                result.status = "died"
                return result
            kind, content = message["header"]["msg_type"], message["content"]
            if channel == "shell":
                reply = content
            elif channel == "stdin":
                if kind == "input_request":
                    client.input(on_input(content.get("prompt", "")) if on_input else "")
            elif kind == "status":
                idle = content.get("execution_state") == "idle"
            elif kind == "clear_output":
                result.outputs.clear()
                used = 0
            elif kind in ("stream", "display_data", "execute_result", "error") and keep_outputs:
                if kind == "execute_result":
                    result.execution_count = content.get("execution_count")
                output = nbformat.v4.output_from_msg(message)
                size = len(json.dumps(output))
                if used + size > self.max_output_chars:
                    result.truncated = True
                    if kind == "stream" and used < self.max_output_chars:
                        output.text = output.text[: self.max_output_chars - used]
                        size = len(output.text)
                    elif kind != "error":
                        continue
                used += size
                if kind == "stream" and result.outputs and result.outputs[-1].get("output_type") == "stream" \
                        and result.outputs[-1].name == output.name:
                    result.outputs[-1].text += output.text
                else:
                    result.outputs.append(output)
            if idle and reply is not None:
                break
        result.status = reply.get("status", "error")
        result.execution_count = reply.get("execution_count", result.execution_count)
        result.user_expressions = reply.get("user_expressions", {}) or {}
        return result

    def _timed_out(self, result: Execution, timeout: float) -> Execution:
        result.status = "timeout"
        try:
            self.manager.interrupt_kernel()
        except Exception:  # noqa: BLE001
            pass
        # give the interrupt a moment, then make sure the next cell starts on a responsive kernel
        try:
            self.client.kernel_info(reply=True, timeout=5)
        except Exception:  # noqa: BLE001 - it did not come back: restart
            result.status = "died"
        return result

    # -- calling the student's functions ----------------------------------------------------------
    def load_harness(self, timeout: float = 30, *, again: bool = False) -> None:
        """Define :mod:`autograder.wire` in the kernel, unless it is defined and no code ran in
        the kernel since (``again``: in any case). So the student's cells cannot replace its
        reports (changed inputs, shared memory) for the test cells after them; test cells one
        after another share it and their call loop. Code the student's function runs during a
        call can still change it for that test cell's later calls: only that student's own
        results, as with any code of theirs. A call loop that does not start (the harness
        deleted or replaced by a call) makes :meth:`call` define it again (see
        :meth:`_start_serving`)."""
        if self._harness_loaded and not again:
            return
        source = inspect.getsource(wire)
        code = (f"import types as _t, sys as _s\n{HARNESS} = _t.ModuleType({HARNESS!r})\n"
                f"exec(compile({source!r}, 'autograder_wire', 'exec'), {HARNESS}.__dict__)\n"
                f"del _t, _s")
        done = self.execute(code, timeout, keep_outputs=False)
        if done.status == "died":
            raise KernelDied("the kernel died")
        if done.status == "timeout":
            raise CallTimeout("the kernel did not answer")
        self._harness_loaded = True

    def call(self, name: str, args: tuple, kwargs: dict, timeout: float,
             callback: Callable[[object, list, dict], object], lent: dict | None = None) -> dict:
        """Call the student's function ``name``; returns the kernel's answer (see
        :func:`wire.call_in_kernel`) decoded, or raises :class:`KernelDied`/:class:`CallTimeout`.

        The calls go through one :func:`wire.serve` loop in the kernel (started by the first
        call, ended by :meth:`end_calls` or the next :meth:`execute`), over the socket at
        :attr:`calls_path`: a request, then the kernel's requests to run grader-side callables,
        each answered, then the answer. ``lent``: names that stand for grader-side functions
        during the call (see :func:`wire.call_in_kernel`)."""
        callables: list = []
        request = wire.dumps([list(args), kwargs, lent] if lent else [list(args), kwargs], callables)
        deadline = time.monotonic() + timeout
        if self._serving is None:
            self._start_serving(name, deadline)
        self._calls += 1
        number = str(self._calls)
        self._send(f"{wire.CALL}{number}:{name}\n{request}", deadline)
        while True:
            kind, text = self._serve_event(deadline)
            if kind == "message" and text[:1] == wire.ANSWER:
                answered, _, answer = text[1:].partition("\n")
                if answered == number:
                    return json.loads(answer)
                continue   # not this call's: written by the student's code, or a stale one
            if kind == "message":   # a grader-side callable is asked for
                self._send(self._run_callback(text, callables, callback), deadline)
            elif kind == "input":   # the student's own input(): no data of the grader's
                self.client.input(NO_INPUT)
            elif kind == "timeout":
                if not self._abort_serving():
                    raise KernelDied(f"{name}() did not return within {timeout:g} s and the kernel did not respond "
                                     "to an interrupt")
                raise CallTimeout(f"{name}() did not return within {timeout:g} s")
            elif kind == "too large":
                self._abort_serving()
                raise wire.WireError(f"the answer of {name}() is too large")
            elif kind == "died":
                self._serving = None
                self._hang_up()
                raise KernelDied(f"the kernel died while running {name}()")
            else:   # the loop ended without answering
                self._serving = None
                self._hang_up()
                raise wire.WireError(f"{name}() ended the grader's call loop instead of returning")

    def end_calls(self, grace: float = 10.0) -> None:
        """End the running :func:`wire.serve` loop, if any (it waits for a request: tell it to
        stop). If it does not end, interrupt it; if that fails too, the kernel is restarted."""
        if self._serving is None:
            return
        if not self.alive():
            self._serving = None
            self._hang_up()
            return
        deadline = time.monotonic() + grace
        self._send(wire.STOP, deadline)
        if self._stop_answering(deadline) == "timeout" and not self._abort_serving():
            self.restart()
        self._serving = None

    def _start_serving(self, name: str, deadline: float, *, first_try: bool = True) -> None:
        self._hang_up()
        token = secrets.token_hex(16)   # sent over Jupyter's signed channel, echoed on the socket
        self._serving = self.client.execute(f"{HARNESS}.serve(globals(), {str(self.calls_path)!r}, {token!r})",
                                            silent=True, store_history=False, allow_stdin=True, stop_on_error=False)
        kind, text = self._serve_event(deadline)
        while kind == "message" and text != wire.READY + token:   # another connection than the loop's
            self._hang_up()
            kind, text = self._serve_event(deadline)
        if kind == "message":
            return
        if kind == "died":
            self._serving = None
            raise KernelDied(f"the kernel died before {name}() was called")
        if kind == "timeout" and not self._abort_serving():
            raise KernelDied(f"the kernel did not answer before {name}() was called")
        if kind == "input":
            self.end_calls()
        self._serving = None
        self._hang_up()
        if kind == "done" and first_try and self.alive():
            # the loop's code ended at once: the student's code deleted or replaced the harness
            # (``%reset``, ``del``...): define it again, then start the loop once more
            self.load_harness(max(deadline - time.monotonic(), 1.0), again=True)
            return self._start_serving(name, deadline, first_try=False)
        raise wire.WireError(f"the kernel did not start the grader's call loop for {name}()")

    def _abort_serving(self, grace: float = 5.0) -> bool:
        """Interrupt the call loop and let it end; False if the kernel does not respond."""
        try:
            self.manager.interrupt_kernel()
        except Exception:  # noqa: BLE001
            pass
        kind = self._stop_answering(time.monotonic() + grace)
        self._serving = None
        return kind == "done"

    def _stop_answering(self, deadline: float) -> str:
        """Answer every request of the call loop with "stop" until it ends ("done"), the kernel
        dies ("died") or ``deadline`` passes ("timeout")."""
        while True:
            kind, _ = self._serve_event(deadline)
            if kind == "message":
                self._send(wire.STOP, deadline)
            elif kind == "input":
                self.client.input(NO_INPUT)
            elif kind != "too large":
                self._hang_up()
                return kind

    def _send(self, text: str, deadline: float) -> None:
        """Send ``text`` to the call loop (nothing if it hung up: its end shows as "done")."""
        if self._connection is None:
            return
        try:
            self._connection.settimeout(max(deadline - time.monotonic(), 0.01))
            self._connection.sendall(wire.frame(text))
        except OSError:   # hung up, or not reading: the loop's end or the deadline tells the rest
            self._hang_up()

    def _hang_up(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
        self._inbox.clear()

    def _next_message(self) -> str | None:
        """A whole message of the call loop from what was received, or None; raises
        :class:`OverflowError` for one over :data:`MAX_MESSAGE` bytes."""
        if len(self._inbox) < wire.HEADER:
            return None
        size = int.from_bytes(self._inbox[:wire.HEADER], "big")
        if size > MAX_MESSAGE:
            raise OverflowError(size)
        if len(self._inbox) < wire.HEADER + size:
            return None
        data = bytes(self._inbox[wire.HEADER:wire.HEADER + size])
        del self._inbox[:wire.HEADER + size]
        return data.decode("utf-8", errors="replace")

    def _serve_event(self, deadline: float) -> tuple[str, str]:
        """The next event of the call loop: ("message", text) from its socket, ("input",
        prompt) when the student's code calls ``input()``, ("done", "") when its execution
        replied, ("too large", "") for a message over the limit, ("died", "") or ("timeout", "")
        at ``deadline``. Other Jupyter messages are dropped."""
        poller = zmq.Poller()
        for channel_socket in self._channels:
            poller.register(channel_socket, zmq.POLLIN)
        watched = self._connection if self._connection is not None else self._listener
        poller.register(watched, zmq.POLLIN)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout", ""
            try:
                message = self._next_message()
            except OverflowError:
                self._hang_up()
                return "too large", ""
            if message is not None:
                return "message", message
            ready = dict(poller.poll(min(remaining, 1.0) * 1000))
            if not ready:
                if not self.manager.is_alive():
                    return "died", ""
                continue
            if watched in ready or watched.fileno() in ready:
                poller.unregister(watched)
                if self._connection is None:
                    try:
                        self._connection, _ = self._listener.accept()
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:   # out of file descriptors, say: try again, without spinning
                        time.sleep(0.05)
                else:
                    try:
                        chunk = self._connection.recv(1 << 20, socket.MSG_DONTWAIT)
                    except (BlockingIOError, InterruptedError):
                        chunk = None
                    except OSError:
                        chunk = b""
                    if chunk == b"":   # the loop hung up: its execution's reply will say how it ended
                        self._hang_up()
                    elif chunk:
                        self._inbox += chunk
                watched = self._connection if self._connection is not None else self._listener
                poller.register(watched, zmq.POLLIN)
            for name, reply in self._replies(ready, self._serving):
                if name == "stdin" and reply["header"]["msg_type"] == "input_request":
                    prompt = reply["content"].get("prompt", "")
                    return "input", prompt if isinstance(prompt, str) else ""
                if name == "shell":
                    return "done", ""

    def _messages(self, msg_id: str | None, deadline: float) -> Iterator[tuple[str, dict]]:
        """The kernel's messages answering ``msg_id`` as (channel name, message), stdin first
        (an input request waits for us, output can wait); the last one is ("timeout", {}) at
        ``deadline`` or ("died", {}) when the kernel is gone. Other messages are dropped."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                yield "timeout", {}
                return
            ready = dict(self._poller.poll(min(remaining, 1.0) * 1000))
            if not ready:
                if not self.manager.is_alive():
                    yield "died", {}
                    return
                continue
            yield from self._replies(ready, msg_id)

    def _replies(self, ready: dict, msg_id: str | None) -> Iterator[tuple[str, dict]]:
        """The messages answering ``msg_id`` among those waiting on the ``ready`` Jupyter
        channels, as (channel name, message), stdin first; the others are dropped."""
        for channel_socket in sorted((s for s in ready if s in self._channels),
                                     key=lambda s: self._channels[s][0] != "stdin"):
            name, channel = self._channels[channel_socket]
            message = channel.get_msg(timeout=0)
            if message.get("parent_header", {}).get("msg_id") == msg_id:
                yield name, message

    @staticmethod
    def _run_callback(prompt: str, callables: list, callback: Callable[[object, list, dict], object]) -> str:
        """The reply to a callback request of :func:`wire.call_in_kernel`: the grader-side
        function's value or error, as plain data."""
        try:
            asked = wire.loads(prompt)
            function = callables[asked["callback"]]
            return wire.dumps({"value": callback(function, asked["args"], asked["kwargs"])})
        except Exception as error:  # noqa: BLE001 - the grader-side function's error goes back
            return wire.dumps({"error": wire.exception_info(error)})
