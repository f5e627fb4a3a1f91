"""Which form a table belongs to: a department self-evaluation keeps its money tables."""

from __future__ import annotations

from jixiao.extract.txt import parse_text
from jixiao.model import Document
from jixiao.normalize.interpret import interpret_document

DEPT = "\n".join([
    "部门整体支出绩效自评表",
    "（2021年度）",
    "填报单位：某县民政局",
    "部门（单位）名称\t某县民政局",
    "联系人\t张三\t联络电话\t12345678",
    "",
    "年度收入情况（万元）",
    "机构名称\t收入合计\t上年结转\t公共财政拨款\t其他收入",
    "机关及二级机构汇总\t110\t10\t90\t10",
    "1、机关\t110\t10\t90\t10",
    "",
    "部门（单位）年度支出和结余情况（万元）",
    "机构名称\t支出合计\t基本支出\t项目支出\t当年结余",
    "机关及二级机构汇总\t100\t60\t40\t10",
    "1、机关\t100\t60\t40\t10",
    "",
    "部门整体支出绩效评价评分表",
    "一级指标\t二级指标\t三级指标\t评分标准\t权重\t得分\t扣分原因",
    "投入（40分）\t预算配置（40分）\t重点支出安排率\t≥90%计满分\t40\t40\t",
    "产出（60分）\t职责履行（60分）\t重点工作任务完成情况\t完成计满分\t60\t55\t部分未完成",
    "合计\t\t\t\t100\t95\t",
])

BUDGET = "\n".join([
    "某县民政局2021年部门预算公开",
    "收支预算总表",
    "收入项目\t预算数\t支出项目\t预算数",
    "一般公共预算拨款收入\t90\t基本支出\t60",
    "其他收入\t10\t项目支出\t40",
    "收入总计\t100\t支出总计\t100",
])


def _forms(text: str) -> tuple[list[dict], list[dict]]:
    tables = interpret_document(Document(blocks=parse_text(text), source_format="txt"), "0" * 16).tables
    return tables["forms"], tables["amounts"]


def test_dept_form_keeps_its_money_tables():
    forms, amounts = _forms(DEPT)
    assert [f["form_type"] for f in forms] == ["dept_self_eval"]
    kinds = {a["table_kind"] for a in amounts if a["form_id"] == forms[0]["form_id"]}
    assert {"income", "expenditure"} <= kinds
    assert forms[0]["executed_wan"] == 100  # 支出合计 of its own 支出 table


def test_budget_summary_reads_its_income_total():
    forms, _ = _forms(BUDGET)
    assert [f["form_type"] for f in forms] == ["budget_summary"]
    assert forms[0]["budget_wan"] == 100
