"""`python -m fcsim ARGS` is the `fcsim` command."""

import sys

from fcsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
