"""Goal texts and indicator names, on forms transcribed from the seeds (line numbers cited)."""

from __future__ import annotations

from jixiao.validate.base import run_rules
from jixiao.validate.rules.goals import goal_items

# seed 001 line 13: form 1's 绩效目标, two identical numbered items
GOAL_001_1 = ("1、通过做好县处级领导班子和市委管理干部考核相关准备工作。确保大厂县县级领导班子及市委管理干部在年度考核工作中能够取得优异成绩。"
              "2、通过做好县处级领导班子和市委管理干部考核相关准备工作。确保大厂县县级领导班子及市委管理干部在年度考核工作中能够取得优异成绩。")
# seed 002 lines 320 and 348: 大组工网扩容建设经费's goal, pasted into 业务培训费
GOAL_002_11 = "圆满完成大组工网扩容建设工作, 为部机关全面实现信息化奠定坚实基础"


def form(n: int, subject: str, goal: str | None) -> dict:
    return {"form_id": f"d-{n}", "doc_id": "d", "form_type": "target_table", "subject": subject, "goal_text": goal}


def run(only: str, forms=(), indicators=()) -> list[dict]:
    return run_rules({"forms": list(forms), "indicators": list(indicators)}, only=[only])


def test_goal_items_split_numbered_lists_only():
    assert len(goal_items(GOAL_001_1)) == 2
    assert goal_items("通过缴纳域名运行费，使我部所辖区域内所有党政机关域名注册“全覆盖”。") == []
    assert goal_items("（1）甲项工作；（2）乙项工作；（3）丙项工作") == ["甲项工作；", "乙项工作；", "丙项工作"]
    assert goal_items("完成100.5万元支出，覆盖2个乡镇") == []  # decimals and counts are no item numbers


def test_repeated_goal_item_fires_and_not():
    (f,) = run("DUPLICATE_ENTRY", [form(1, "2020年度县管领导班子和县委管理干部考核工作", GOAL_001_1)])
    assert f["form_id"] == "d-1" and f["severity"] == "warning" and "年度预期目标" in f["location"]
    # seed 001 form 2: the items differ by one word (各级 / 100家) — not a duplicate
    goal2 = ("1、在现有“管理平台”的基础上进行升级改造，优化操作，各级机关及事业单位可通过网络直接办理日常业务。"
             "2、在现有“管理平台”的基础上进行升级改造，优化操作，100家机关及事业单位可通过网络直接办理日常业务。")
    assert not run("DUPLICATE_ENTRY", [form(2, "迁移工作专项资金", goal2)])


def test_goal_pasted_from_sibling_form_names_the_copy():
    forms = [form(11, "大组工网扩容建设经费", GOAL_002_11), form(12, "业务培训费", GOAL_002_11)]
    (f,) = run("TEXT_MISMATCH", forms)
    assert f["form_id"] == "d-12" and "大组工网扩容建设经费" in f["message"]
    assert not run("DUPLICATE_ENTRY", forms)  # reported once, as the copy it is
    forms[1]["goal_text"] = "组织开展公务员培训, 增强执政意识, 提高执政能力; 组织开展专业技术人员继续教育"
    assert not run("TEXT_MISMATCH", forms)


def test_same_goal_of_two_unrelated_forms_is_a_duplicate():
    goal = "保障组织部日常工作及各类大型活动、评比、会议、培训顺利开展"
    forms = [form(1, "甲项目经费", goal), form(2, "乙专项资金", goal)]
    (f,) = run("DUPLICATE_ENTRY", forms)
    assert f["form_id"] == "d-2"


def test_one_programme_from_two_funding_sources_may_share_a_goal():
    # seed 001 forms 7 and 8: the province's and the centre's share of the same 老党员生活补贴
    goal = "1、按标准发放老党员生活补贴2、按时发放老党员生活补贴，提升老党员生活幸福感"
    forms = [form(7, "关于提前下达2020年老党员生活补贴省级补助经费专项资金", goal),
             form(8, "关于提前下达2020年老党员生活补贴中央补助经费专项资金", goal)]
    assert not run("DUPLICATE_ENTRY", forms) and not run("TEXT_MISMATCH", forms)


def ind(level3: str, target_raw: str, op: str, value: float, unit: str) -> dict:
    return {"form_id": "d-20", "doc_id": "d", "row_no": 1, "level3": level3, "target_raw": target_raw,
            "target_op": op, "target_value": value, "target_unit": unit}


def test_indicator_name_that_is_a_contradicting_figure():
    # seed 001 lines 1194-1197: 三级指标 1620套, 指标值 ≤810套
    (f,) = run("TEXT_MISMATCH", indicators=[ind("1620套", "≤810套", "<=", 810, "套")])
    assert (f["observed"], f["expected"], f["indicator"]) == (1620, 810, "1620套")
    # seed 001 form 20's 32元 against ≤32元 agrees; other units or a real name stay silent
    assert not run("TEXT_MISMATCH", indicators=[ind("32元", "≤32元", "<=", 32, "元")])
    assert not run("TEXT_MISMATCH", indicators=[ind("1620册", "≤810套", "<=", 810, "套")])
    assert not run("TEXT_MISMATCH", indicators=[ind("发放书籍套数", "≤810套", "<=", 810, "套")])


# seed 003 lines 17-24: the department's 年度主要工作内容, 任务3 written twice
WORK_003 = ("任务1：全力打好疫情阻击战任务2：打好防汛保卫战任务3：持续深化脱贫攻坚战任务3：加强基层建设"
            "任务4：挖掘本土资源，健全教育机制任务5：推动标杆创建，提质两新工作任务6：选优育强干部队伍，提升人才队伍")


def test_two_items_under_one_number_fire_on_the_department_task_list():
    dept = {**form(1, "区委组织部", WORK_003), "form_type": "dept_self_eval"}
    (f,) = run("DUPLICATE_ENTRY", [dept])
    assert "任务3" in f["message"] and "持续深化脱贫攻坚战" in f["message"] and "加强基层建设" in f["message"]
    assert f["location"] == "区委组织部 > 年度主要工作内容" and f["table"] == "forms"
    renumbered = WORK_003.replace("任务3：加强", "任务7：加强")
    assert not run("DUPLICATE_ENTRY", [{**dept, "goal_text": renumbered}])
    # a list that starts over further on (a sub-list) is no duplicate: only neighbours count
    assert not run("DUPLICATE_ENTRY", [form(2, "x", "1、甲项工作安排。2、乙项工作安排。1、甲的细目说明。")])


def test_department_task_list_is_read_from_seed_003(seed_results):
    (dept,) = seed_results["003"].tables["forms"]
    assert dept["goal_text"].startswith("任务1：全力打好疫情阻击战") and dept["goal_text"].count("任务3") == 2
    dup = [f for f in seed_results["003"].tables["findings"]
           if f["rule"] == "DUPLICATE_ENTRY" and f["form_id"] == dept["form_id"]]
    assert len(dup) == 1 and "任务3" in dup[0]["message"]
    (dept0,) = seed_results["000"].tables["forms"]
    assert not dept0["goal_text"]  # 000's 年度主要任务 heads a table: no text to read
