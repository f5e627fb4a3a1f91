"""report.html: one self-contained page (inline CSS and JS, no network) people can act on.

Totals by rule and severity, one table of all findings (sorted and filtered in the browser),
each 预算/决算 publication table by table (publications.py: every table of the publication
listed, the findings about each under it), then a section per document and form; each finding
shows the published figure next to the recomputed one and the spot to look at (table, row,
indicator, page). In the section
per document each finding shows its evidence (evidence.py): a crop of the PDF page with the
observed figure outlined red and the figures it was compared with blue, or the rows of the
Word/Excel/text table with the same marks. Crops are files under OUT/evidence/ loaded lazily,
so the page stays light with thousands of findings.
"""

from __future__ import annotations

import html
import json
import os
import tempfile
from pathlib import Path

from jixiao.report.evidence import EvidenceSet, build_evidence
from jixiao.report.finding_rows import RowIndex, Tables, is_missing, records
from jixiao.report.publications import PublicationView, budget_publications

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px;margin:16px 0 4px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0 12px}
th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f4f6;cursor:pointer;user-select:none}th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.sev-error{color:#fff;background:#c0392b;border-radius:3px;padding:0 5px}
.sev-warning{color:#222;background:#f5c542;border-radius:3px;padding:0 5px}
.sev-info{color:#fff;background:#6b7280;border-radius:3px;padding:0 5px}
.controls{margin:8px 0;display:flex;gap:8px;flex-wrap:wrap}.controls input,.controls select{padding:4px;font-size:13px}
details.rows summary{cursor:pointer;color:#2563eb;font-size:12px;margin-top:4px}
table.rows{font-size:12px;margin:4px 0;background:#fafafa}table.rows th{cursor:default;background:#eef2f7}
.muted{color:#6b7280}.summary td{min-width:40px}.doc{margin-left:4px}
.evidence{margin:2px 0 6px}.evidence img{max-width:100%;height:auto;border:1px solid #ddd;display:block}
tr.evidence-row td{border-top:none;background:#fcfcfd}
table.ev{width:auto;font-size:12px;margin:4px 0;background:#fff}table.ev td{padding:2px 5px}
table.ev td.obs{outline:3px solid #dc2626;outline-offset:-2px}table.ev td.rel{outline:2px solid #2563eb;outline-offset:-2px}
table.ev tr.gap td{border:none;color:#9ca3af;text-align:center}blockquote.ev{margin:4px 0;padding:4px 8px;border-left:3px solid #dc2626;background:#fafafa}
mark{background:#fde68a}.legend .o{color:#dc2626}.legend .r{color:#2563eb}
"""

_JS = """
(function(){
  var table=document.getElementById('all');
  if(!table){return;}
  var body=table.tBodies[0];
  var rows=Array.prototype.slice.call(body.rows);
  var q=document.getElementById('q'),sev=document.getElementById('sev'),rule=document.getElementById('rule');
  var shown=document.getElementById('shown');
  function apply(){
    var text=(q.value||'').toLowerCase(),s=sev.value,r=rule.value,n=0;
    rows.forEach(function(tr){
      var ok=(!s||tr.getAttribute('data-severity')===s)&&(!r||tr.getAttribute('data-rule')===r)&&
             (!text||tr.textContent.toLowerCase().indexOf(text)>=0);
      tr.style.display=ok?'':'none'; if(ok){n++;}
    });
    shown.textContent=n;
  }
  [q,sev,rule].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('sorted-asc');
      Array.prototype.forEach.call(table.tHead.rows[0].cells,function(c){c.classList.remove('sorted-asc','sorted-desc');});
      th.classList.add(asc?'sorted-asc':'sorted-desc');
      rows.sort(function(a,b){
        var x=a.cells[i].getAttribute('data-v')||a.cells[i].textContent,y=b.cells[i].getAttribute('data-v')||b.cells[i].textContent;
        var nx=parseFloat(x),ny=parseFloat(y),c;
        if(!isNaN(nx)&&!isNaN(ny)){c=nx-ny;}else{c=x.localeCompare(y,'zh');}
        return asc?c:-c;
      });
      rows.forEach(function(tr){body.appendChild(tr);});
    });
  });
  apply();
})();
"""

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _e(v: object) -> str:
    if is_missing(v):
        return ""
    return html.escape(str(v))


def _n(v: object) -> str:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    if f != f:  # NaN
        return ""
    return f"{f:.4f}".rstrip("0").rstrip(".")


def _sev(s: object) -> str:
    s = str(s or "info")
    return f'<span class="sev-{_e(s)}">{_e(s)}</span>'


def _concerned(f: dict, index: RowIndex | None) -> str:
    """The data rows a finding is about, as a small table inside a <details>."""
    if index is None:
        return ""
    header, rows = index.concerned(f)
    if not rows:
        return ""
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(_n(v) if isinstance(v, float) else v)}</td>" for v in r) + "</tr>"
                   for r in rows)
    return (f"<details class='rows'><summary>相关行 rows ({len(rows)})</summary>"
            f"<table class='rows'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>")


def _evidence(f: dict, evidence: EvidenceSet | None) -> str:
    """The picture of a finding: a lazily loaded crop, or the source's rows marked."""
    pic = evidence.get(f.get("finding_id")) if evidence is not None else None
    if pic is None:
        return ""
    if pic.image is not None:
        src = f"evidence/{html.escape(pic.image.name)}"
        body = (f"<img loading='lazy' decoding='async' src='{src}' alt='{_e(f.get('source_ref'))}'>")
    elif pic.html:
        body = pic.html
    else:
        return f"<div class='evidence muted'>{_e(pic.note)}</div>" if pic.note else ""
    note = f" · {_e(pic.note)}" if pic.note else ""
    related = [r for r in str(f.get("related_refs") or "").split(";") if r]
    shown = _e(related[0]) if len(related) == 1 else f"<span title='{_e(';'.join(related))}'>{len(related)} 处 cells</span>"
    return (f"<div class='evidence'>{body}<div class='legend muted'><span class='o'>■</span> 公布值 observed "
            f"{_e(f.get('source_ref'))}{' · <span class=r>■</span> 比较的数 compared with ' + shown if related else ''}"
            f"{note}</div></div>")


def _finding_rows(findings: list[dict], with_doc: bool, index: RowIndex | None = None,
                  evidence: EvidenceSet | None = None) -> str:
    out = []
    for f in findings:
        cells = []
        if with_doc:
            cells.append(f"<td>{_e(f.get('_doc'))}</td>")
        cells += [
            f'<td data-v="{_SEVERITY_ORDER.get(str(f.get("severity")), 3)}">{_sev(f.get("severity"))}</td>',
            f"<td>{_e(f.get('rule'))}</td>",
            f"<td>{_e(f.get('location'))}</td>",
            f"<td>{_e(f.get('table'))}{' / ' + _e(f.get('row_label')) if f.get('row_label') else ''}"
            f"{' / ' + _e(f.get('indicator')) if f.get('indicator') else ''}</td>",
            f'<td class="num">{_e(f.get("page"))}</td>',
            f'<td class="num">{_n(f.get("observed"))}</td>',
            f'<td class="num">{_n(f.get("expected"))}</td>',
            f"<td>{_e(f.get('message'))}{_link(f) if with_doc else ''}{_concerned(f, index)}</td>",
        ]
        anchor = f' id="f-{_e(f.get("finding_id"))}"' if f.get("finding_id") and not with_doc else ""
        out.append(f'<tr{anchor} data-severity="{_e(f.get("severity"))}" data-rule="{_e(f.get("rule"))}">{"".join(cells)}</tr>')
        picture = "" if with_doc else _evidence(f, evidence)
        if picture:  # the picture spans the table's width, under its finding
            out.append(f"<tr class='evidence-row'><td colspan='{len(cells)}'>{picture}</td></tr>")
    return "\n".join(out)


def _link(f: dict) -> str:
    """From the all-findings table to the finding's evidence in its document's section."""
    if not f.get("finding_id") or not f.get("source_ref"):
        return ""
    return f" <a class='muted' href='#f-{_e(f.get('finding_id'))}'>证据 evidence</a>"


def _head(with_doc: bool) -> str:
    cols = (["文件 document"] if with_doc else []) + [
        "级别 severity", "规则 rule", "位置 location", "表/行/指标 table · row · indicator", "页 page",
        "公布值 published", "复算值 recomputed", "说明 message"]
    return "<thead><tr>" + "".join(f"<th>{c}</th>" for c in cols) + "</tr></thead>"


def render(frames: Tables, evidence: EvidenceSet | None = None) -> str:
    """The page as a string (`evidence`: pictures by finding_id, see evidence.py)."""
    docs = records(frames.get("documents"))
    forms = records(frames.get("forms"))
    findings = records(frames.get("findings"))
    index = RowIndex(frames)
    names = {d.get("doc_id"): str(d.get("source_path") or d.get("doc_id")) for d in docs}
    form_names = {f.get("form_id"): str(f.get("subject") or f.get("title") or f.get("form_id")) for f in forms}
    for f in findings:
        f["_doc"] = names.get(f.get("doc_id"), f.get("doc_id"))
    findings.sort(key=lambda f: (str(f["_doc"]), str(f.get("form_id") or ""),
                                 _SEVERITY_ORDER.get(str(f.get("severity")), 3), str(f.get("rule"))))
    rules = sorted({str(f.get("rule")) for f in findings})
    sevs = ["error", "warning", "info"]
    counts = {(r, s): 0 for r in rules for s in sevs}
    for f in findings:
        counts[(str(f.get("rule")), str(f.get("severity")))] = counts.get((str(f.get("rule")), str(f.get("severity"))), 0) + 1
    summary = "".join(
        f"<tr><td>{_e(r)}</td>" + "".join(f'<td class="num">{counts[(r, s)] or ""}</td>' for s in sevs)
        + f'<td class="num">{sum(counts[(r, s)] for s in sevs)}</td></tr>' for r in rules)
    totals = {s: sum(1 for f in findings if f.get("severity") == s) for s in sevs}
    parts = [
        "<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>jixiao 核查报告 — discrepancy report</title>", f"<style>{_CSS}</style></head><body>",
        "<h1>jixiao 核查报告 · discrepancy report</h1>",
        f"<p>{len(docs)} 个文件 documents · {len(forms)} 张表 forms · {len(findings)} 条问题 findings "
        f"(<span class='sev-error'>error</span> {totals['error']} · <span class='sev-warning'>warning</span> "
        f"{totals['warning']} · <span class='sev-info'>info</span> {totals['info']})</p>",
        "<h2>按规则汇总 · totals by rule and severity</h2>",
        "<table class='summary'><thead><tr><th>rule</th><th>error</th><th>warning</th><th>info</th><th>total</th>"
        f"</tr></thead><tbody>{summary}</tbody></table>",
        "<h2>全部问题 · all findings</h2><div class='controls'>",
        "<input id='q' type='search' placeholder='筛选 filter…' aria-label='filter'>",
        "<select id='sev' aria-label='severity'><option value=''>all severities</option>"
        + "".join(f"<option>{s}</option>" for s in sevs) + "</select>",
        "<select id='rule' aria-label='rule'><option value=''>all rules</option>"
        + "".join(f"<option>{_e(r)}</option>" for r in rules) + "</select>",
        "<span class='muted'>shown: <b id='shown'></b></span></div>",
        f"<table id='all'>{_head(True)}<tbody>{_finding_rows(findings, True, index)}</tbody></table>",
        _publications(budget_publications(frames), names, index),
        "<h2>按文件和表 · by document and form</h2>",
    ]
    by_doc: dict[str, list[dict]] = {}
    for f in findings:
        by_doc.setdefault(str(f.get("doc_id")), []).append(f)
    for d in docs:
        did = str(d.get("doc_id"))
        items = by_doc.get(did, [])
        parts.append(f"<h2 class='doc' id='doc-{_e(did)}'>{_e(names.get(did))} "
                     f"<span class='muted'>({_e(d.get('unit_name'))} {_e(d.get('fiscal_year'))} · "
                     f"{_e(d.get('status'))} · {len(items)} findings)</span></h2>")
        if not items:
            parts.append("<p class='muted'>没有发现问题 no findings.</p>")
            continue
        groups: dict[str, list[dict]] = {}
        for f in items:
            groups.setdefault(str(f.get("form_id") or ""), []).append(f)
        for fid, group in groups.items():
            title = f"表 form: {form_names.get(fid, fid)}" if fid else "正文 prose"
            parts.append(f"<h3>{_e(title)}</h3><table>{_head(False)}<tbody>"
                         f"{_finding_rows(group, False, index, evidence)}</tbody></table>")
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts)


def _counts(findings: list[dict]) -> str:
    sevs = [str(f.get("severity")) for f in findings]
    return "".join(f'<td class="num">{sevs.count(s) or ""}</td>' for s in ("error", "warning", "info"))


def _publications(pubs: list[PublicationView], names: dict, index: RowIndex) -> str:
    """Each 预算/决算 publication as its tables: a list of every table with its count of findings
    (a table it lacks marked 缺), then the findings table by table, then the 说明's own."""
    if not pubs:
        return ""
    out = ["<h2 id='publications'>预算/决算公开：按表 · budget disclosures, table by table</h2>"]
    for n, pub in enumerate(pubs, start=1):
        files = "、".join(_e(names.get(d, d)) for d in pub.docs)
        out.append(f"<h3 class='pub'>{_e(pub.unit)} {_e(pub.year)} {_e(pub.kind)}公开 "
                   f"<span class='muted'>({files})</span></h3>")
        rows = []
        for i, t in enumerate(pub.tables, start=1):
            anchor = f"pt-{n}-{i}"
            title = f"<a href='#{anchor}'>{_e(t.title)}</a>" if t.findings else _e(t.title)
            worst = min((str(f.get("severity")) for f in t.findings), key=lambda v: _SEVERITY_ORDER.get(v, 3), default="info")
            state = f"<span class='sev-{_e(worst)}'>缺 missing</span> " if t.missing else ""  # info: said to be elsewhere
            ok = "" if t.findings else " <span class='muted'>✓ 无问题 no findings</span>"
            rows.append(f"<tr><td class='num'>{i}</td><td>{state}{title}{ok}</td><td>{_e(names.get(t.doc_id, t.doc_id))}</td>"
                        f"<td class='num'>{_e(t.page)}</td>{_counts(t.findings)}</tr>")
        if pub.prose:
            rows.append(f"<tr><td></td><td><a href='#pt-{n}-0'>说明 · the prose</a></td><td></td><td></td>"
                        f"{_counts(pub.prose)}</tr>")
        out.append("<table class='pub-tables'><thead><tr><th>#</th><th>表 table</th><th>文件 file</th><th>页 page</th>"
                   f"<th>error</th><th>warning</th><th>info</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")
        groups = [(f"pt-{n}-{i}", t.title, t.findings) for i, t in enumerate(pub.tables, start=1) if t.findings]
        if pub.prose:
            groups.append((f"pt-{n}-0", "说明 · the prose", pub.prose))
        for anchor, title, found in groups:
            for f in found:
                f["_doc"] = names.get(f.get("doc_id"), f.get("doc_id"))
            found.sort(key=lambda f: (_SEVERITY_ORDER.get(str(f.get("severity")), 3), str(f.get("rule"))))
            out.append(f"<h4 id='{anchor}'>{_e(title)}</h4><table>{_head(True)}<tbody>"
                       f"{_finding_rows(found, True, index)}</tbody></table>")
    return "\n".join(out)


def write_report(out_dir: Path, frames: Tables, source_root: Path | None = None, pictures: bool = True) -> Path:
    """Write out_dir/report.html atomically (and the evidence crops under out_dir/evidence/); return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.html"
    evidence = build_evidence(out_dir, records(frames.get("documents")), records(frames.get("findings")),
                              source_root) if pictures else None
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".report.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(render(frames, evidence))
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return path


def to_json(frames: Tables) -> str:
    """Findings as JSON (for --json)."""
    return json.dumps(records(frames.get("findings")), ensure_ascii=False, default=str)
