"""The discrepancy report: a self-contained report.html."""
