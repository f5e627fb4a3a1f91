"""A long-lived LibreOffice that converts files on request (run by a Python that has `uno`).

usage: python3 lo_server.py STATE_DIR SOFFICE OWNER_PID

Not imported by jixiao: `lo_client.py` starts it with the system Python of the LibreOffice
installation (Debian: python3-uno), because jixiao's own interpreter usually cannot load
pyuno. It starts one headless soffice listening on a private pipe, connects to it over
UNO, then serves requests on the Unix socket STATE_DIR/sock, one JSON line each:
{"src": path, "out": path, "infilter": name, "export": name} -> {"ok": true} or
{"ok": false, "error": text}. Conversions are serialised (LibreOffice's API runs one call
at a time anyway). It exits, taking soffice with it, when OWNER_PID is gone or on SIGTERM.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time


def main() -> int:
    state, soffice, owner = sys.argv[1], sys.argv[2], int(sys.argv[3])
    import uno  # noqa: F401  (fails early when this Python has no pyuno)
    from com.sun.star.beans import PropertyValue

    pipe = f"jixiao_lo_{os.getpid()}"
    profile = os.path.join(state, "profile")
    office = subprocess.Popen([soffice, "--headless", "--invisible", "--nocrashreport", "--nodefault", "--nologo",
                               "--nofirststartwizard", "--norestore", "-env:UserInstallation=file://" + profile,
                               f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(*_args) -> None:
        try:
            office.terminate()
            office.wait(5)
        except Exception:  # noqa: BLE001 - going away anyway
            office.kill()
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    desktop = None
    deadline = time.monotonic() + 90
    while desktop is None:
        if office.poll() is not None or time.monotonic() > deadline:
            return 1
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
            time.sleep(0.1)

    def props(**values):
        out = []
        for k, v in values.items():
            p = PropertyValue()
            p.Name, p.Value = k, v
            out.append(p)
        return tuple(out)

    lock = threading.Lock()

    def convert(req: dict) -> dict:
        with lock:
            load = {"Hidden": True, "ReadOnly": True}
            if req.get("infilter"):
                load["FilterName"] = req["infilter"]
            t0 = time.monotonic()
            try:
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["src"]), "_blank", 0, props(**load))
            except Exception as e:  # noqa: BLE001 - IllegalArgumentException, IOException: unreadable
                return {"ok": False, "error": "could not read: " + (getattr(e, "Message", "") or type(e).__name__)}
            if doc is None:
                return {"ok": False, "error": "could not read"}
            t1 = time.monotonic()
            try:
                doc.storeToURL(uno.systemPathToFileUrl(req["out"]), props(FilterName=req["export"], Overwrite=True))
            except Exception as e:  # noqa: BLE001
                return {"ok": False, "error": "could not write: " + (getattr(e, "Message", "") or type(e).__name__)}
            finally:
                try:
                    doc.close(True)
                except Exception:  # noqa: BLE001
                    doc.dispose()
            return {"ok": True, "load_s": round(t1 - t0, 3), "store_s": round(time.monotonic() - t1, 3)}

    def serve(conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as fh:
            for line in fh:
                try:
                    reply = convert(json.loads(line))
                except Exception as e:  # noqa: BLE001 - the office died: report, the client restarts us
                    reply = {"ok": False, "error": f"server: {e}"}
                fh.write((json.dumps(reply) + "\n").encode())
                fh.flush()

    path = os.path.join(state, "sock")
    if os.path.exists(path):
        os.unlink(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(16)
    server.settimeout(1.0)
    while True:
        if office.poll() is not None:
            return 1
        try:
            os.kill(owner, 0)
        except OSError:
            stop()
        try:
            conn, _ = server.accept()
        except TimeoutError:
            continue
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
