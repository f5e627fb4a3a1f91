"""Validators: each rule is one small function registered under its SCHEMA.md code."""

from jixiao.validate.base import RULES, Context, Finding, rule, run_rules

__all__ = ["RULES", "Context", "Finding", "rule", "run_rules"]
