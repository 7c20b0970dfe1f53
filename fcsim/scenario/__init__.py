"""From a YAML file to a frozen, checked `Scenario`, with the content of its data files.

Place in the flow: the first step of every command. `yamlfile` reads YAML safely with the
position of every value; `compose` follows `extends` and applies `--set`; `schema/` holds the
pydantic models (the single source of truth of every parameter); `load` validates and turns
every problem into `file:line:col: key.path: what is wrong`; `data` reads the order history and
the product file a scenario names (through `fcsim.history`) and attaches their content, hashed
into the scenario's identity; `tools` and `docgen` make the JSON Schema and the generated
reference. Never imports the model or the policies.
"""
