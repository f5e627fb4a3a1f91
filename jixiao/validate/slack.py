"""Rounding allowances: how far published figures may disagree because each was rounded.

SCHEMA.md: a figure written with d decimals may be off by 0.5·10^-d. Every allowance is
widened by one tolerance factor (`--tolerance`); `Slack` holds that factor so a rule takes it
once (`ctx.slack`) instead of passing it to each call.
"""

from __future__ import annotations

import re

from jixiao.validate.records import num


def decimals(x: object) -> int:
    """Decimals a published figure was written with (from its text when we have it)."""
    if x is None:
        return 0
    s = str(x).strip().rstrip("%")
    if "." not in s:
        return 0
    return len(s.split(".", 1)[1].rstrip())


def rounding_slack(*published: object, factor: float = 1.0) -> float:
    """SCHEMA.md: figures with d decimals may each be off by 0.5*10^-d."""
    slack = sum(0.5 * 10 ** -decimals(p) for p in published if p is not None)
    return slack * factor + 1e-9


_NUMBER_TEXT = re.compile(r"[-+]?\d+(?:\.\d+)?")


def pub(x: object) -> str | None:
    """A number as it was most likely published (3.0 -> '3', 3.796 -> '3.796') for slack.

    A number text ('555.60') is kept as written: its trailing zero is a published decimal."""
    if isinstance(x, str) and _NUMBER_TEXT.fullmatch(x.strip().replace(",", "")):
        return x.strip().replace(",", "")
    v = num(x)
    if v is None:
        return None
    if v.is_integer():
        return str(int(v))
    return repr(round(v, 6))


def slack(*values: object, factor: float = 1.0) -> float:
    """Rounding slack for figures read back as floats."""
    return rounding_slack(*(pub(v) for v in values), factor=factor)


def half_unit(v: object) -> float:
    """Half a unit of the figure's last published decimal; 0 for a whole number."""
    p = pub(v)
    if p is None or "." not in p:
        return 0.0
    return 0.5 * 10 ** -len(p.split(".", 1)[1])


def score_slack(total: object, *parts: object, factor: float = 1.0) -> float:
    """Slack for score arithmetic: whole-number scores and weights are assigned, not rounded, so only
    figures written with decimals carry 0.5·10^-d; a whole total of fractional parts may be rounded."""
    s = sum(half_unit(p) for p in parts)
    fractional = any(half_unit(p) for p in parts)
    if total is not None:
        t = half_unit(total)
        s += t if t else (0.5 if fractional else 0.0)
    return s * factor + 1e-9


def ratio_slack(n: float, d: float, n_err: float, d_err: float, stated: object, factor: float) -> float:
    """How far a stated n/d*100 may be from the computed one when n and d are off by up to n_err, d_err."""
    spread = 100 * (n_err / abs(d) + abs(n) * d_err / d ** 2)
    return (spread + (half_unit(stated) or 0.5)) * factor + 1e-9


def rate_slack(executed: float, budget: float, stated: object, factor: float) -> float:
    """How far a stated percentage may be from executed/budget*100 by rounding of all three."""
    return ratio_slack(executed, budget, half_unit(executed) or 0.005, half_unit(budget) or 0.005, stated, factor)


def change_rate_slack(change: object, amount: object, prev: float, stated: object, factor: float) -> float:
    """How far a stated change rate may be from change / prev, prev = amount ∓ change carrying both roundings."""
    ec, ea = half_unit(change) or 0.005, half_unit(amount) or 0.005
    return ratio_slack(num(change) or 0.0, prev, ec, ea + ec, stated, factor)


class Slack:
    """The allowances above at one tolerance factor: what a rule uses (`ctx.slack`)."""

    def __init__(self, factor: float = 1.0) -> None:
        self.factor = factor

    def of(self, *values: object) -> float:
        """Rounding slack of figures added or compared (see `slack`)."""
        return slack(*values, factor=self.factor)

    def score(self, total: object, *parts: object) -> float:
        """Slack of score arithmetic (see `score_slack`)."""
        return score_slack(total, *parts, factor=self.factor)

    def rate(self, executed: float, budget: float, stated: object) -> float:
        """Slack of a stated executed/budget percentage (see `rate_slack`)."""
        return rate_slack(executed, budget, stated, self.factor)

    def change_rate(self, change: object, amount: object, prev: float, stated: object) -> float:
        """Slack of a stated year-on-year change rate (see `change_rate_slack`)."""
        return change_rate_slack(change, amount, prev, stated, self.factor)
