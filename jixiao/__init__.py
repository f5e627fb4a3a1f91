"""jixiao (绩效): published Chinese budget-performance documents -> clean, validated datasets."""

__version__ = "0.1.0"
PIPELINE_VERSION = "1"
