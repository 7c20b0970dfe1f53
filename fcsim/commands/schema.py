"""`fcsim schema`: print the JSON Schema of scenario files (for editors and validators)."""

from __future__ import annotations

import argparse
import json

from fcsim.commands.common import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("schema", help="print the JSON Schema of scenario files")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.schema_tools import json_schema

    print(json.dumps(json_schema(), indent=2))
    return EXIT_OK
