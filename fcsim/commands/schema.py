"""`fcsim schema`: print the JSON Schema of scenario files (for editors and validators).

Place in the flow: a side door of the command line; the schema comes from `fcsim.scenario.tools`,
itself generated from the pydantic models of `fcsim.scenario.schema.scenario`. The same documents
are kept in `docs/` by `python -m fcsim.scenario.docgen`.
"""

from __future__ import annotations

import argparse
import json

from fcsim.commands.common import EXIT_OK


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of scenario files",
        description="Print the JSON Schema (draft 2020-12) of scenario files. Editors use it "
        "for completion and checks: put `# yaml-language-server: $schema=PATH` on the first "
        "line of a scenario, PATH being docs/scenario.schema.json relative to the file.",
    )
    p.add_argument(
        "--overlay",
        action="store_true",
        help="the schema of a file that uses `extends` (no key required; null removes a key)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from fcsim.scenario.tools import json_schema, overlay_schema

    doc = overlay_schema() if args.overlay else json_schema()
    print(json.dumps(doc, indent=2, ensure_ascii=False))
    return EXIT_OK
