"""Long-lived LibreOffice for a whole run: started on first use, reused by every file and worker.

A cold `soffice --convert-to` per file pays LibreOffice's start-up every time. Here a
conversion goes to `lo_server.py` (a headless soffice with a UNO listener, driven by the
system Python that has pyuno) over a Unix socket. A run's state folder (`new_state_dir`,
shared with the workers through `use_state_dir`; otherwise one private to this process)
has one slot per worker; a conversion locks a free slot and starts its server if it is
not running yet, so two workers convert in parallel and no file starts a LibreOffice of
its own. The run's owner stops them at the end (`stop_server`); a server also exits by
itself when its owner process is gone. When no Python with pyuno is found or a server
cannot start, `convert` returns None and the caller falls back to one soffice per file.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from jixiao.extract.base import ExtractionError

START_TIMEOUT = 90.0
_PYTHONS = ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", "python3")
_state: dict[str, str | None] = {"dir": None}


def use_state_dir(path: str | None) -> None:
    """Share one server between the processes of a run (the batch engine sets this per task)."""
    _state["dir"] = path


def new_state_dir(servers: int = 1) -> str:
    """A fresh state folder for a run owned by this process: at most `servers` LibreOffices
    (one per worker, so conversions run in parallel), each started on first use. Hand it to
    `use_state_dir` in every process of the run, and `stop_server` it at the end."""
    state = tempfile.mkdtemp(prefix="jixiao-lo-")
    Path(state, "owner").write_text(str(os.getpid()))
    for i in range(max(1, servers)):
        Path(state, f"slot{i}").mkdir()
    return state


def _own_state_dir() -> str:
    if _state["dir"] is None:
        _state["dir"] = new_state_dir()
        atexit.register(stop_server, _state["dir"])
    return _state["dir"]


def stop_server(state: str | None) -> None:
    """Stop the run's LibreOffices (those that were started) and remove the state folder."""
    if not state or not os.path.isdir(state):
        return
    for slot in Path(state).glob("slot*"):
        _stop(slot)
    shutil.rmtree(state, ignore_errors=True)


def _stop(slot: Path) -> None:
    """Kill the slot's server and its soffice (a throw-away profile: nothing to save)."""
    try:
        pid = int(Path(slot, "pid").read_text())
    except (OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, 0)  # reaped when this process started it (else it is not our child)


def uno_python() -> str | None:
    """A Python interpreter that can import LibreOffice's `uno` (JIXIAO_UNO_PYTHON first)."""
    for candidate in (os.environ.get("JIXIAO_UNO_PYTHON"), *_PYTHONS):
        exe = candidate and shutil.which(candidate)
        if not exe:
            continue
        try:
            ok = subprocess.run([exe, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return exe
    return None


def _alive(slot: Path) -> bool:
    try:
        os.killpg(int(Path(slot, "pid").read_text()), 0)
    except (OSError, ValueError):
        return False
    return Path(slot, "sock").exists()


def _start(state: str, slot: Path, soffice: str) -> bool:
    """Start the slot's server (caller holds its lock); False when it cannot (recorded, not retried)."""
    if Path(state, "unavailable").exists():
        return False
    python = uno_python()
    if python is None:
        Path(state, "unavailable").write_text("no Python with pyuno (Debian: apt-get install python3-uno)")
        return False
    Path(slot, "sock").unlink(missing_ok=True)
    try:
        owner = Path(state, "owner").read_text().strip()
    except OSError:
        owner = str(os.getpid())
    proc = subprocess.Popen([python, str(Path(__file__).with_name("lo_server.py")), str(slot), soffice, owner],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    Path(slot, "pid").write_text(str(proc.pid))
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        if Path(slot, "sock").exists():
            return True
        time.sleep(0.05)
    with contextlib.suppress(OSError):
        os.killpg(proc.pid, signal.SIGKILL)
    Path(state, "unavailable").write_text(f"the LibreOffice server did not start (exit code {proc.poll()})")
    return False


def _kill(slot: Path) -> None:
    try:
        os.killpg(int(Path(slot, "pid").read_text()), signal.SIGKILL)
    except (OSError, ValueError):
        pass
    Path(slot, "sock").unlink(missing_ok=True)


@contextlib.contextmanager
def _slot(state: str):
    """A server slot of the run, locked for this conversion: a free one, else wait for one."""
    slots = sorted(Path(state).glob("slot*")) or [Path(state, "slot0")]
    slots[0].mkdir(exist_ok=True)
    handles = []
    try:
        for slot in slots:
            fh = open(Path(slot, "lock"), "a")  # noqa: SIM115 - closed below
            handles.append(fh)
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                yield slot
                return
            except BlockingIOError:
                continue
        i = os.getpid() % len(slots)
        fcntl.flock(handles[i], fcntl.LOCK_EX)
        yield slots[i]
    finally:
        for fh in handles:
            fh.close()  # releases the lock


def convert(src: Path, out: Path, infilter: str | None, export: str, timeout: float, soffice: str) -> bool | None:
    """Convert src to out with one of the run's LibreOffices.

    True when converted; None when no server can run here (the caller converts with its own
    soffice); raises ExtractionError when LibreOffice cannot read the file or takes too long."""
    state = _state["dir"] or _own_state_dir()
    os.makedirs(state, exist_ok=True)
    with _slot(state) as slot:
        if not _alive(slot) and not _start(state, slot, soffice):
            return None
        return _request(slot, src, out, infilter, export, timeout)


def _request(slot: Path, src: Path, out: Path, infilter: str | None, export: str, timeout: float) -> bool | None:
    request = json.dumps({"src": str(src), "out": str(out), "infilter": infilter, "export": export}) + "\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(Path(slot, "sock")))
            conn.sendall(request.encode())
            with conn.makefile("rb") as fh:
                line = fh.readline()
    except TimeoutError as e:
        _kill(slot)  # a file that hangs LibreOffice: the next file gets a fresh one
        raise ExtractionError(f"LibreOffice did not finish converting this file within {timeout:.0f} s") from e
    except OSError:
        _kill(slot)
        return None
    if not line:  # the office died on this file
        _kill(slot)
        raise ExtractionError("LibreOffice could not read this file (it crashed on it)")
    reply = json.loads(line)
    if not reply.get("ok"):
        raise ExtractionError(f"LibreOffice could not read this file (corrupt or not a Word/Excel file): {reply.get('error')}")
    return True
