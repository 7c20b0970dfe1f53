"""Outputs for people: the terminal summary table and the self-contained HTML report.

Place in the flow: last step. Receives result tables (the summary dictionary, the runs and
daily tables), never the model: a report can be rebuilt from the result files alone.
"""
