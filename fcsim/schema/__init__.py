"""The scenario schema, split by subject; `fcsim.scenario` is the public entry point.

Place in the flow: YAML text -> `fcsim.loading` (marks, safety) -> these pydantic models
(types, units, bounds, defaults) -> a frozen `Scenario` handed to the engine.
"""
