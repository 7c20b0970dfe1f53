"""Thin entry point: `python run_sim.py ARGS` is the same as `fcsim run ARGS`.

With no argument it runs the shipped default scenario (`scenarios/default.yaml`), prints the
summary table and writes `reports/default/`.
"""

import sys

from fcsim.cli import run_main

if __name__ == "__main__":
    sys.exit(run_main())
