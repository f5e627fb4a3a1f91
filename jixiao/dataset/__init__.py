"""Cross-run datasets: panels of many converted folders, with codebook and reports."""
