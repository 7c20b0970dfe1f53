"""Outputs for people: the terminal summary table, the self-contained HTML report (and its PDF),
and the results workbook.

Place in the flow: last step. Receives result tables (the summary dictionary, the runs and
daily tables), never the model: a report can be rebuilt from the result files alone.
"""
