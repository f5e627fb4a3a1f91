"""Place and fiscal-year lookup on the seeds' unit names and texts."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.normalize.places import Place, locate
from jixiao.normalize.years import fiscal_year_from

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"


def seed(prefix: str) -> str:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("中共石家庄市委组织部", Place("河北省", "石家庄市", None, "130100")),  # 002:9 (city level)
        ("共青团石家庄市委", Place("河北省", "石家庄市", None, "130100")),      # 002:39
        ("君山区财政局", Place("湖南省", "岳阳市", "君山区", "430611")),        # 003:367
        ("中共石家庄市桥西区委组织部", Place("河北省", "石家庄市", "桥西区", "130104")),  # 004
        ("中共香河县委组织部", Place("河北省", "廊坊市", "香河县", "131024")),  # 000:5
        ("中共大厂回族自治县委组织部", Place("河北省", "廊坊市", "大厂回族自治县", "131028")),  # 001
        ("江苏省人大常委会", Place("江苏省", None, None, "320000")),
        ("江苏省委办公厅", Place("江苏省", None, None, "320000")),
        ("江苏省政协办公厅", Place("江苏省", None, None, "320000")),
    ],
)
def test_locate_from_unit_name(unit, expected):
    assert locate(unit) == expected


def test_cpca_false_hits_are_rejected():
    # 001:45 misspells the county (回放); cpca alone answers 重庆市/县
    assert locate("中共大厂回放自治县委组织部") == Place()
    assert locate("完成县委交办的其他任务") == Place()      # 成县 inside 完成县委
    assert locate("围绕党的重大理论和实践问题") == Place()  # 大理 inside 重大理论


def test_misspelled_unit_falls_back_to_text():
    assert locate("中共大厂回放自治县委组织部", seed("001")).admin_code == "131028"


@pytest.mark.parametrize(
    ("prefix", "code"),
    [("000", "131024"), ("001", "131028"), ("002", "130100"), ("003", "430611"), ("004", "130104")],
)
def test_locate_from_text_when_the_name_has_no_place(prefix, code):
    # 003's unit signs as 区委组织部 (003:322); its text names 君山区财政局 (003:367)
    # and mentions 长沙 in passing, which must not win.
    assert locate("区委组织部", seed(prefix)).admin_code == code


def test_province_level_unit_stops_at_province():
    text = "江苏省高级人民法院2020年部门决算。地址：南京市鼓楼区北京西路。南京市鼓楼区。"
    assert locate("省法院", text) == Place("江苏省", None, None, "320000")


def test_ambiguous_county_takes_the_city_written_in_text():
    # three 桥西区 in 河北 (石家庄, 张家口, 邢台)
    assert locate("桥西区委组织部", "张家口市桥西区委组织部2020年部门决算").admin_code == "130703"
    assert locate("桥西区委组织部", seed("004")).admin_code == "130104"


def test_region_level_unit_stops_at_province():
    text = "广西壮族自治区财政厅2021年部门决算。南宁市青秀区民族大道。"
    assert locate("自治区财政厅", text) == Place("广西壮族自治区", None, None, "450000")


def test_nothing_known():
    assert locate(None) == Place()
    assert locate("", "") == Place()
    assert locate("某某单位", "没有任何地名的文字") == Place()


@pytest.mark.parametrize(
    ("prefix", "year"),
    [
        ("000", 2019),  # 000:13 评价时段 2019年1月1日至2019年12月31日
        ("001", 2020),  # 2020年部门预算
        ("002", 2019),  # 002:7 (2019 年度)
        ("003", 2020),  # notice 关于开展2021年度…通知 (003:367); evaluated 2020年部门整体支出
        ("004", 2022),  # 2022 年度整体支出绩效自评报告; signed 2023年4月19日
    ],
)
def test_fiscal_year_of_seeds(prefix, year):
    assert fiscal_year_from(seed(prefix)) == year


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("(2019 年度)", 2019),
        ("评价时段 2019年 1 月  1 日 至  2019年 12 月 31 日", 2019),
        ("中共大厂回族自治县委组织部2020年部门预算信息公开情况说明", 2020),
        ("中共石家庄市桥西区组织部 2022 年度整体支出绩效自评报告", 2022),
        ("根据《君山区财政局关于开展2021年度财政支出绩效自评工作的通知》，我单位对2020年部门整体支出开展了绩效自评", 2020),
        ("二〇一九年度部门决算", 2019),
        ("（２０２１年度）", 2021),
        ("", None), (None, None), ("没有年份", None), ("编号3000年", None),
        ("2023年4月19日", None),  # a signature date alone is not the fiscal year
    ],
)
def test_fiscal_year_from(text, year):
    assert fiscal_year_from(text) == year
