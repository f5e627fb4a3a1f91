"""The PDF building blocks on small made-up inputs: grids with spans, joins over page breaks,
text quality (speed is measured by bench/run.py, not by a timed test)."""

from __future__ import annotations

from pathlib import Path

from jixiao.extract.pdf.grid import grids_from_edges
from jixiao.extract.pdf.join import join_tables
from jixiao.extract.pdf.page import Char, Edge
from jixiao.extract.pdf.quality import assess, bad_text_share
from jixiao.model import Cell, Paragraph, Table

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real"


def H(y, x0, x1):
    return Edge(True, y, x0, x1)


def V(x, y0, y1):
    return Edge(False, x, y0, y1)


def test_grid_spans_from_missing_rules():
    # 3 columns x 3 rows; the top row is one cell over all columns, the first column of rows 2-3
    # one cell over two rows (no rule between them there)
    edges = [H(0, 0, 300), H(20, 0, 300), H(40, 100, 300), H(60, 0, 300),
             V(0, 0, 60), V(300, 0, 60), V(100, 20, 60), V(200, 20, 60)]
    (grid,) = grids_from_edges(edges)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans == {(0, 0): (1, 3), (1, 0): (2, 1), (1, 1): (1, 1), (1, 2): (1, 1), (2, 1): (1, 1),
                     (2, 2): (1, 1)}
    assert grid.locate(50, 50).row == 1  # inside the merged cell


def test_double_rules_and_broken_segments_are_one_rule():
    edges = [H(0, 0, 100), H(1.2, 0, 100), H(30, 0, 48), H(30, 50, 100),
             V(0, 0, 30), V(100, 0, 30), V(50, 0, 30)]
    (grid,) = grids_from_edges(edges)
    assert (len(grid.ys), len(grid.xs)) == (2, 3)


def test_two_tables_on_a_page_and_a_lone_frame():
    table = [H(0, 0, 100), H(10, 0, 100), H(20, 0, 100), V(0, 0, 20), V(100, 0, 20), V(50, 0, 20)]
    frame = [H(100, 0, 100), H(150, 0, 100), V(0, 100, 150), V(100, 100, 150)]  # a boxed note
    other = [H(y + 300, 0, 100) for y in (0, 10)] + [V(x, 300, 310) for x in (0, 30, 100)]
    grids = grids_from_edges(table + frame + other)
    assert [g.ys[0] for g in grids] == [0, 300]


def _table(rows: list[list[str]], page: int, x_rules: list[float]) -> Table:
    cells = [Cell(row=r, col=c, text=t, bbox=(x_rules[c], 10.0 * r, x_rules[c + 1], 10.0 * r + 10), page=page)
             for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Table(cells=cells, n_rows=len(rows), n_cols=len(rows[0]), page=page,
                 bbox=(x_rules[0], 0, x_rules[-1], 10.0 * len(rows)), row_pages=[page] * len(rows))


XS = [0, 100, 200, 300]


def test_repeated_header_is_dropped_and_rows_keep_their_pages():
    a = _table([["指标", "目标值", "得分"], ["数量指标", "≥90%", "20"]], 1, XS)
    b = _table([["指标", "目标值", "得分"], ["质量指标", "100%", "10"]], 2, XS)
    (joined,) = join_tables([a, Paragraph("- 1 -", page=1), b])
    assert joined.logical_rows() == [["指标", "目标值", "得分"], ["数量指标", "≥90%", "20"], ["质量指标", "100%", "10"]]
    assert joined.row_pages == [1, 1, 2]


def test_row_cut_by_the_page_break_is_merged():
    a = _table([["指标", "说明", "得分"], ["数量指标", "按期完成全部", "20"]], 3, XS)
    b = _table([["", "采购任务", ""], ["质量指标", "合格", "10"]], 4, XS)
    (joined,) = join_tables([a, b])
    assert joined.logical_rows()[1:] == [["数量指标", "按期完成全部采购任务", "20"], ["质量指标", "合格", "10"]]
    assert joined.row_pages == [3, 3, 4]


def test_full_row_after_the_page_break_is_a_new_row():
    # the first column is a vertical merge over the break (empty on the new page); every other
    # column of the new page's first row has its own text: a row of its own, not a cut one
    a = _table([["一级指标", "二级指标", "三级指标", "指标值"], ["产出", "数量指标", "供餐天数", "180天"],
                ["", "数量指标", "受益学生人数", "20000人以上"]], 2, [0, 100, 200, 300, 400])
    b = _table([["", "数量指标", "维修改造学校数", "29所以上"], ["", "质量指标", "合格率", "≥90%"]], 3, [0, 100, 200, 300, 400])
    (joined,) = join_tables([a, b])
    assert [r[2] for r in joined.logical_rows()[2:]] == ["受益学生人数", "维修改造学校数", "合格率"]


def test_row_with_its_own_label_after_the_break_is_a_new_row():
    # the next page's first row has its own label and source but no target; the text
    # target 持续改善 left on the first page is no number a cut row leaves behind: a new row
    xs = [0, 100, 200, 300, 400, 500]
    a = _table([["一级指标", "二级指标", "三级指标", "目标值", "依据"],
                ["效果指标", "社会效益指标", "退役军人合法权益得到有效保障", "持续改善", "实施计划"]], 2, xs)
    b = _table([["", "经济效益指标", "促进地方经济发展", "", "调查表"]], 3, xs)
    (joined,) = join_tables([a, b])
    assert [r[2] for r in joined.logical_rows()[1:]] == ["退役军人合法权益得到有效保障", "促进地方经济发展"]


def test_tables_with_other_columns_or_prose_between_stay_apart():
    a = _table([["a", "b", "c"]], 1, XS)
    narrow = _table([["x", "y"]], 2, [0, 40, 90])
    assert len(join_tables([a, narrow])) == 2
    b = _table([["d", "e", "f"]], 2, XS)
    assert len(join_tables([a, Paragraph("二、项目支出情况说明如下，详见下表所列各项。", page=2), b])) == 3
    assert len(join_tables([a, _table([["d", "e", "f"]], 3, XS)])) == 2  # not the next page


def test_text_quality():
    def chars(text: str) -> list[Char]:
        return [Char(ch, i, 0, i + 1, 1) for i, ch in enumerate(text)]

    assert not assess(chars("部门整体绩效自评表"), 0).unreadable
    assert assess(chars("\ue001\ue002\ue003部门"), 0).unreadable
    assert assess(chars("\x01\x02\x03\x04"), 4).unreadable
    guessed = assess(chars("部门整体绩效"), 6)
    assert guessed.guessed and not guessed.unreadable
    assert bad_text_share("(cid:12)(cid:13)表") == 2 / 3 and bad_text_share("正常文本") == 0
