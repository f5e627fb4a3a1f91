""".doc through long-lived LibreOffice servers: one per worker slot, reused across files, stopped at
the end; and the per-file soffice when no server can run (no Python with pyuno)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES

from jixiao.extract.base import ExtractOptions
from jixiao.extract.office import doc, lo_client
from jixiao.extract.office.docx import extract as extract_docx

OFFICE = FIXTURES / "office"
pytestmark = pytest.mark.skipif(doc.soffice_path() is None or lo_client.uno_python() is None,
                                reason="LibreOffice with pyuno (python3-uno) is not installed")


def _running_in_group(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group, from /proc."""
    live = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            live.append(int(stat.parent.name))
    return live


def _table_texts(document) -> list[list[str]]:
    return [[c.text for c in t.cells] for t in document.tables]


def test_two_files_share_one_server_that_is_stopped_at_the_end(tmp_path, monkeypatch):
    state = lo_client.new_state_dir(servers=1)
    monkeypatch.setitem(lo_client._state, "dir", state)
    started = []
    real_start = lo_client._start
    monkeypatch.setattr(lo_client, "_start", lambda *a: started.append(a) or real_start(*a))
    try:
        a = doc.extract(OFFICE / "seed002.doc", ExtractOptions())
        pid = int(Path(state, "slot0", "pid").read_text())
        b = doc.extract(OFFICE / "seed003.doc", ExtractOptions())
        assert len(started) == 1 and int(Path(state, "slot0", "pid").read_text()) == pid
        assert _running_in_group(pid)  # still running between files
    finally:
        lo_client.stop_server(state)
    assert _running_in_group(pid) == []
    assert not Path(state).exists()
    assert _table_texts(b) == _table_texts(extract_docx(OFFICE / "seed003.docx", ExtractOptions()))
    assert a.tables and a.source_format == "doc"


def test_without_pyuno_each_file_gets_its_own_soffice(tmp_path, monkeypatch):
    state = lo_client.new_state_dir()
    monkeypatch.setitem(lo_client._state, "dir", state)
    monkeypatch.setattr(lo_client, "uno_python", lambda: None)
    try:
        document = doc.extract(OFFICE / "seed003.doc", ExtractOptions())
        assert "no Python with pyuno" in Path(state, "unavailable").read_text()
        assert not Path(state, "slot0", "pid").exists()
    finally:
        lo_client.stop_server(state)
    assert _table_texts(document) == _table_texts(extract_docx(OFFICE / "seed003.docx", ExtractOptions()))


def test_a_file_libreoffice_cannot_read_fails_alone_and_the_server_goes_on(tmp_path, monkeypatch):
    state = lo_client.new_state_dir()
    monkeypatch.setitem(lo_client._state, "dir", state)
    bad = tmp_path / "broken.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le") + b"\xff" * 3000)
    try:
        with pytest.raises(Exception, match="LibreOffice could not read this file"):
            doc.extract(bad, ExtractOptions())
        assert doc.extract(OFFICE / "seed003.doc", ExtractOptions()).tables
    finally:
        lo_client.stop_server(state)
