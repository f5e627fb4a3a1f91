"""Same content, every format: each .docx of a folder saved as .doc and PDF by LibreOffice (and,
with --scan, rasterised as a scanned PDF), all converted, rows compared with the .docx's.

    python scripts/format_parity.py ../shared/corpus/generated/docs OUT [--scan] [--timeout 900]

Prints, per format, the share of the .docx's indicator fields the format gives equal (row by
row, form by form) and every differing form or field, so a loss can be traced to reading
(page joins, merged cells, LibreOffice's conversion, OCR) rather than to a layout. Exit 1
when any format differs. tests/test_format_parity.py pins the same check on fixtures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[1]
FORM_FIELDS = ["form_type", "subject", "budget_wan", "executed_wan", "execution_rate", "total_score", "grade"]
ROW_FIELDS = ["level1", "level2", "level3", "category", "target_op", "target_value", "target_unit",
              "actual_value", "actual_unit", "weight", "score"]


def _rows(out: Path) -> dict[str, tuple[list[tuple], list[list[tuple]]]]:
    """File stem -> (form rows, indicator rows per form) of one converted folder."""
    read = lambda name: pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    docs, forms, inds = read("documents"), read("forms"), read("indicators")
    res = {}
    for _, d in docs.iterrows():
        fs = forms[forms.doc_id == d.doc_id]
        res[Path(d.source_path).stem] = ([tuple(f[k] for k in FORM_FIELDS) for _, f in fs.iterrows()],
                                         [[tuple(r[k] for k in ROW_FIELDS) for _, r in inds[inds.form_id == fid].iterrows()]
                                          for fid in fs.form_id])
    return res


def compare(ref: dict, got: dict, fmt: str) -> float:
    total = same = 0
    for stem, (ref_forms, ref_inds) in sorted(ref.items()):
        got_forms, got_inds = got.get(stem, ([], []))
        if got_forms != ref_forms:
            print(f"{fmt} {stem}: forms differ\n   docx {ref_forms}\n   {fmt:4s} {got_forms}")
        for k, rows in enumerate(ref_inds):
            other = got_inds[k] if k < len(got_inds) else []
            for n, row in enumerate(rows):
                g = other[n] if n < len(other) else (None,) * len(ROW_FIELDS)
                diff = [(ROW_FIELDS[j], row[j], g[j]) for j in range(len(ROW_FIELDS)) if row[j] != g[j]]
                total += len(ROW_FIELDS)
                same += len(ROW_FIELDS) - len(diff)
                if diff:
                    print(f"{fmt} {stem} form {k + 1} row {n + 1} {row[2]}: {diff}")
    share = same / total if total else 1.0
    print(f"== {fmt}: {share:.4f} of the .docx's indicator fields equal ({total - same} of {total} differ)")
    return share


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("docs", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--scan", action="store_true", help="also a scanned copy of each PDF (OCR: slow)")
    ap.add_argument("--timeout", default="900")
    a = ap.parse_args()
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        sys.exit("LibreOffice (soffice) is needed")
    folders = {fmt: a.out / fmt for fmt in ("docx", "doc", "pdf") + (("scan",) if a.scan else ())}
    for f in folders.values():
        f.mkdir(parents=True, exist_ok=True)
    for src in sorted(a.docs.glob("*.docx")):
        shutil.copyfile(src, folders["docx"] / src.name)
    for fmt in ("doc", "pdf"):
        subprocess.run([soffice, f"-env:UserInstallation=file://{a.out.resolve()}/profile", "--headless",
                        "--convert-to", fmt, "--outdir", str(folders[fmt]), *map(str, sorted(folders["docx"].glob("*.docx")))],
                       check=True, capture_output=True, timeout=1800)
    if a.scan:
        sys.path.insert(0, str(ROOT / "fixtures"))
        from build_pdf import scanned

        for pdf in sorted(folders["pdf"].glob("*.pdf")):
            pages = tuple((i, 1.0) for i in range(len(pdfium.PdfDocument(str(pdf)))))
            scanned(pdf, folders["scan"] / pdf.name, pages)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    rows = {}
    for fmt, folder in folders.items():
        out = a.out / f"out-{fmt}"
        subprocess.run([sys.executable, "-m", "jixiao", "convert", str(folder), "-o", str(out), "--quiet",
                        "--no-report", "--force", "--timeout", a.timeout], env=env, check=False)
        rows[fmt] = _rows(out)
    shares = [compare(rows["docx"], rows[fmt], fmt) for fmt in folders if fmt != "docx"]
    return 0 if all(s == 1.0 for s in shares) else 1


if __name__ == "__main__":
    raise SystemExit(main())
