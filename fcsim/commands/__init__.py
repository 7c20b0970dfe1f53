"""Subcommands of `fcsim`, one module each.

Place in the flow: `fcsim.cli` builds the argument parser from `COMMANDS`; each module has
`register(subparsers)` (adds its parser, sets `func`) and its `run(args) -> exit status`.
Adding a command = adding a module here and its name to `COMMANDS`.
"""

COMMANDS = (
    "run",
    "validate",
    "schema",
    "baseline",
    "check",
    "report",
    "sweep",
    "size",
    "advise",
    "sensitivity",
    "inspect-data",
)
