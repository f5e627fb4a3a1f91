"""Is a Word 97 (.doc) file's inside consistent? The structures of the binary format, checked
against each other as the format defines them ([MS-DOC]), for damage no checksum shows.

An OLE container reads whole even when bytes inside a stream are changed, and LibreOffice
reads on past broken formatting without a word: a zeroed block in the Data stream drops a
table's column layout, a flipped byte in a formatting page moves cells. So:

* the FIB (the header of the WordDocument stream) has its fixed counts, and the structures it
  points to lie inside the table stream;
* the piece table (CLX) starts at character 0, grows, covers the document's characters and
  points inside the WordDocument stream;
* every formatting page (FKP) the bin tables (PlcBteChpx, PlcBtePapx) name lies in the stream,
  holds its character ranges in order within the bin table's range, and each property list in
  it parses as a whole number of properties of the kind the page holds (character; paragraph
  or table);
* a paragraph's properties kept in the Data stream (sprmPHugePapx: wide tables) parse the same
  way, and the header (PICF) of a picture a special character draws (sprmCFSpec, sprmCPicLocation)
  has its fixed size there and fits.

`problems` says in words what is inconsistent; an empty list is a file whose structures agree.
"""

from __future__ import annotations

import struct
from itertools import pairwise

PAGE = 512
_CSW, _CSLW = 0x0E, 0x16
_CB_RG_FC_LCB = {0x5D, 0x6C, 0x88, 0xA4, 0xB7}
# FibRgFcLcb97: index of the (fc, lcb) pairs read here
_STSHF, _PLCF_SED, _BTE_CHPX, _BTE_PAPX, _STTBF_FFN, _CLX = 1, 6, 12, 13, 15, 33
_SGC_PARAGRAPH, _SGC_CHARACTER, _SGC_TABLE = 1, 2, 5
_SPRM_HUGE_PAPX, _SPRM_PIC_LOCATION, _SPRM_OLE2, _SPRM_SPEC = 0x6646, 0x6A03, 0x080A, 0x0855
_SPRM_TDEF_TABLE, _SPRM_TDEF_TABLE10, _SPRM_CHG_TABS = 0xD608, 0xD606, 0xC615
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # spra -> operand size (6: variable)


class Broken(Exception):
    """A structure of the file disagrees with the format: its message says which."""


def problems(word: bytes, table: bytes, data: bytes) -> list[str]:
    """What is inconsistent in a .doc, from its WordDocument, table (0Table/1Table) and Data streams."""
    try:
        fib = _fib(word, table)
        _pieces(word, table, fib)
        out = []
        for kind, index in (("character", _BTE_CHPX), ("paragraph", _BTE_PAPX)):
            try:
                _bin_table(word, table, data, fib, kind, index)
            except Broken as e:
                out.append(str(e))
        return out
    except Broken as e:
        return [str(e)]
    except (struct.error, IndexError) as e:  # a count that sends a read past the end
        return [f"a structure runs past the end of its stream ({e})"]


def table_stream_name(word: bytes) -> str:
    """The FIB's fWhichTblStm: which of 0Table/1Table holds the document's tables."""
    return "1Table" if len(word) > 0x0B and word[0x0B] & 0x02 else "0Table"


def _fib(word: bytes, table: bytes) -> dict:
    if len(word) < 0x9A or word[:2] != b"\xec\xa5":
        raise Broken("its header (FIB) is missing")
    csw = struct.unpack_from("<H", word, 0x20)[0]
    cslw = struct.unpack_from("<H", word, 0x3E)[0]
    cb = struct.unpack_from("<H", word, 0x98)[0]
    if csw != _CSW or cslw != _CSLW or cb not in _CB_RG_FC_LCB or 0x9A + 8 * cb > len(word):
        raise Broken("its header (FIB) is broken")
    ccp = struct.unpack_from("<11i", word, 0x4C)  # ccpText, Ftn, Hdd, (Mcr), Atn, Edn, Txbx, HdrTxbx, …
    counts = [ccp[0], ccp[1], ccp[2], ccp[4], ccp[5], ccp[6], ccp[7]]
    if min(counts) < 0:
        raise Broken("its header (FIB) has a negative character count")
    pairs = [struct.unpack_from("<II", word, 0x9A + 8 * i) for i in range(cb)]
    for index in (_STSHF, _PLCF_SED, _BTE_CHPX, _BTE_PAPX, _STTBF_FFN, _CLX):
        fc, lcb = pairs[index]
        if lcb and fc + lcb > len(table):
            raise Broken("its header (FIB) points past the end of the table stream")
    return {"ccp": sum(counts), "pairs": pairs}


def _pieces(word: bytes, table: bytes, fib: dict) -> None:
    """The piece table: where each run of the document's characters is in the WordDocument stream."""
    fc, lcb = fib["pairs"][_CLX]
    clx = table[fc:fc + lcb]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: property modifiers of pieces
        at += 3 + struct.unpack_from("<h", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise Broken("its piece table (the map of its text) is broken")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5:at + 5 + size]
    n = (size - 4) // 12
    if size < 16 or (size - 4) % 12 or len(plc) != size:
        raise Broken("its piece table (the map of its text) is broken")
    cps = struct.unpack_from(f"<{n + 1}I", plc)
    if cps[0] != 0 or not _ascending(cps) or cps[-1] < fib["ccp"]:
        raise Broken("its piece table (the map of its text) does not cover the text in order")
    for i in range(n):
        descriptor = struct.unpack_from("<HI", plc, 4 * (n + 1) + 8 * i)
        fc_piece = descriptor[1]
        compressed = bool(fc_piece & 0x40000000)
        start = (fc_piece & 0x3FFFFFFF) // 2 if compressed else fc_piece & 0x3FFFFFFF
        if start + (cps[i + 1] - cps[i]) * (1 if compressed else 2) > len(word):
            raise Broken("its piece table points past the end of the text")


def _bin_table(word: bytes, table: bytes, data: bytes, fib: dict, kind: str, index: int) -> None:
    """A bin table and the formatting pages it names."""
    fc, lcb = fib["pairs"][index]
    if lcb == 0:
        return
    n = (lcb - 4) // 8
    if lcb < 12 or (lcb - 4) % 8:
        raise Broken(f"its {kind} formatting index is broken")
    fcs = struct.unpack_from(f"<{n + 1}I", table, fc)
    pns = struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))
    if not _ascending(fcs):
        raise Broken(f"its {kind} formatting index is out of order")
    for (first, last), pn in zip(pairwise(fcs), pns, strict=True):
        if (pn & 0x3FFFFF) * PAGE + PAGE > len(word):
            raise Broken(f"its {kind} formatting index points past the end of the document")
        page = word[(pn & 0x3FFFFF) * PAGE:(pn & 0x3FFFFF) * PAGE + PAGE]
        where = f"{kind} formatting"
        if kind == "character":
            check_character_page(page, first, last, data, where)
        else:
            _papx_page(page, first, last, where, data)


def _runs(page: bytes, most: int, first: int, last: int, where: str) -> tuple[int, tuple[int, ...]]:
    crun = page[PAGE - 1]
    if not 1 <= crun <= most:
        raise Broken(f"its {where} is broken")
    fcs = struct.unpack_from(f"<{crun + 1}I", page)
    if not _ascending(fcs) or fcs[0] < first or fcs[-1] > last:
        raise Broken(f"its {where} is broken: its text ranges are out of order")
    return crun, fcs


def check_character_page(page: bytes, first: int, last: int, data: bytes, where: str = "character formatting") -> None:
    """One character formatting page (ChpxFkp) covering stream bytes first..last; raises Broken."""
    crun, _ = _runs(page, 0x65, first, last, where)
    header = 4 * (crun + 1) + crun
    for i in range(crun):
        offset = 2 * page[4 * (crun + 1) + i]
        if offset == 0:
            continue
        if not header <= offset < PAGE - 1 or offset + 1 + page[offset] > PAGE - 1:
            raise Broken(f"its {where} is broken: a property list lies outside the page")
        sprms = _sprms(page[offset + 1:offset + 1 + page[offset]], {_SGC_CHARACTER}, where)
        if sprms.get(_SPRM_SPEC) == b"\x01" and _SPRM_PIC_LOCATION in sprms and sprms.get(_SPRM_OLE2) != b"\x01":
            _picture(data, struct.unpack("<I", sprms[_SPRM_PIC_LOCATION])[0], where)


def _papx_page(page: bytes, first: int, last: int, where: str, data: bytes) -> None:
    crun, _ = _runs(page, 0x1D, first, last, where)
    header = 4 * (crun + 1) + 13 * crun
    for i in range(crun):
        offset = 2 * page[4 * (crun + 1) + 13 * i]
        if offset == 0:
            continue
        if not header <= offset < PAGE - 1:
            raise Broken(f"its {where} is broken: a property list lies outside the page")
        cb = page[offset]
        start, size = (offset + 1, 2 * cb - 1) if cb else (offset + 2, 2 * page[offset + 1])
        if size < 2 or start + size > PAGE - 1:
            raise Broken(f"its {where} is broken: a property list lies outside the page")
        sprms = _sprms(page[start + 2:start + size], {_SGC_PARAGRAPH, _SGC_TABLE}, where, padded=cb > 0)
        if _SPRM_HUGE_PAPX in sprms:
            _huge_papx(data, struct.unpack("<I", sprms[_SPRM_HUGE_PAPX])[0])


def _huge_papx(data: bytes, at: int) -> None:
    """Paragraph properties too long for a page, in the Data stream (the layout of a wide table)."""
    if at + 2 > len(data):
        raise Broken("its table layout in the Data stream is missing")
    size = struct.unpack_from("<H", data, at)[0]
    if size == 0:  # kept apart only because it is too long for a page: never empty
        raise Broken("its table layout in the Data stream is overwritten")
    if at + 2 + size > len(data):
        raise Broken("its table layout in the Data stream is cut short")
    _sprms(data[at + 2:at + 2 + size], {_SGC_PARAGRAPH, _SGC_TABLE}, "table layout in the Data stream")


def _picture(data: bytes, at: int, where: str) -> None:
    """A picture's header (PICF) in the Data stream: its size and the fixed size of its header."""
    if at + 6 > len(data):
        raise Broken("a picture in the Data stream is missing")
    lcb, cb_header = struct.unpack_from("<IH", data, at)
    if cb_header != 0x44 or lcb < cb_header or at + lcb > len(data):
        raise Broken("a picture's header in the Data stream is broken")


def _sprms(grpprl: bytes, kinds: set[int], where: str, padded: bool = False) -> dict[int, bytes]:
    """Property modifiers (Sprm + operand) filling a property list exactly, all of the kinds the
    list may hold; {sprm: operand}. A list of odd size may end in one byte of padding."""
    out: dict[int, bytes] = {}
    at = 0
    while at < len(grpprl) - (1 if padded else 0) and at + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, at)[0]
        at += 2
        if (sprm >> 10) & 7 not in kinds:
            raise Broken(f"its {where} is broken: a property of an unknown kind, sprm {sprm:04X}")
        spra = sprm >> 13
        if spra != 6:
            size = _OPERAND[spra]
        elif sprm in (_SPRM_TDEF_TABLE, _SPRM_TDEF_TABLE10):
            size = struct.unpack_from("<H", grpprl, at)[0] + 1  # the 2-byte count (itself, minus one)
        elif sprm == _SPRM_CHG_TABS and at < len(grpprl) and grpprl[at] == 255:
            deleted = grpprl[at + 1]
            size = 3 + 4 * deleted + 3 * grpprl[at + 2 + 4 * deleted]
        else:
            size = 1 + grpprl[at]
        if at + size > len(grpprl):
            raise Broken(f"its {where} is broken: a property runs past its list")
        out[sprm] = grpprl[at:at + size]
        at += size
    return out


def _ascending(values: tuple[int, ...]) -> bool:
    return all(a < b for a, b in pairwise(values))
