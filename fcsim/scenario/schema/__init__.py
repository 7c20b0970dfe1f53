"""The scenario schema, split by subject; `scenario.Scenario` is the public entry point.

Place in the flow: YAML text -> `fcsim.scenario.load` (marks, safety) -> these pydantic models
(types, units, bounds, defaults) -> a frozen `Scenario` handed to the engine.
"""
