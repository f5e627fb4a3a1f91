"""jixiao (绩效): published Chinese budget-performance documents -> clean, validated datasets.

Use it from Python::

    import jixiao

    result = jixiao.convert(["reports/"])        # files or folders -> Result
    result.indicators.head()                      # the contract's tables as pandas DataFrames
    result.write("out/")                          # the same folder `jixiao convert` writes
    findings = jixiao.validate(result, tolerance=2)
    jixiao.show(result, findings.iloc[0])         # the rows a finding is about

`jixiao.read("out/")` loads a folder written by `jixiao convert`. The names in `__all__`
are the public API; everything else may change between releases.

Importing `jixiao` is cheap: the API (and pandas) is loaded on first use of one of its
names, so the command line and the worker processes never pay for it.
"""

from __future__ import annotations

import importlib
import sys
import types

from jixiao.version import __version__

PIPELINE_VERSION = "1"

__all__ = ["Evidence", "Result", "__version__", "convert", "read", "show", "validate"]

_API = {"Evidence", "Result", "convert", "read", "show", "validate"}

def __getattr__(name: str) -> object:
    if name in _API:
        value = getattr(importlib.import_module("jixiao.api"), name)
        globals()[name] = value  # later look-ups do not come here again
        return value
    raise AttributeError(f"module 'jixiao' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)


class _Package(types.ModuleType):
    """`jixiao.validate` is the API function, though `jixiao/validate/` is also a subpackage.

    Python sets a subpackage as an attribute of its parent when it is first imported; here
    that one attribute is left to the function. The subpackage is still imported the usual
    way (`from jixiao.validate.base import run_rules`, `from jixiao.validate import rules`).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name == "validate" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
