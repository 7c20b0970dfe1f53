"""The core: what every layer may use, importing nothing else of fcsim.

Place in the flow: the bottom layer. `errors` (problems with their file:line:col, usage errors,
exit statuses), `distributions` (declarative distributions that know their analytic mean and
variance), `timeofday` (`HH:MM`, weekday masks), `metrics` (the metric registry: every KPI and
cost category declared once), `files` (atomic writes, JSON-safe values), `limits` (the largest
counts accepted, so that every count fits 32 bits).
"""
