"""Argument types and options shared by several subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

EXIT_OK, EXIT_REGRESSION, EXIT_USAGE, EXIT_RUN_FAILED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
DEFAULT_SCENARIO = Path("scenarios") / "default.yaml"


MAX_COUNT = 10_000
"""Largest replication or worker count accepted on the command line (as in the schema)."""


def positive_int(text: str) -> int:
    """A whole number from 1 to MAX_COUNT (replications, workers)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1 (got {value})")
    if value > MAX_COUNT:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_COUNT:,} (got {value})")
    return value


def path_arg(text: str) -> Path:
    """A file or folder path given on the command line (an empty one is refused)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(text)


def text_arg(text: str) -> str:
    """A non-empty text argument."""
    if not text.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return text


def seed_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number (got {text!r})") from None
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(f"must be between 0 and 2^63-1 (got {value})")
    return value


def default_scenario() -> Path:
    """The shipped default scenario: ./scenarios/default.yaml, else the one beside the package."""
    from fcsim.core.errors import UsageError

    here = Path.cwd() / DEFAULT_SCENARIO
    if here.is_file():
        return DEFAULT_SCENARIO
    shipped = Path(__file__).resolve().parents[2] / DEFAULT_SCENARIO
    if shipped.is_file():
        return shipped
    raise UsageError(
        f"no scenario given and no {DEFAULT_SCENARIO} here or beside the fcsim package"
    )
