"""DuckDB over the warehouse: every SQL query of the app, one module per question.

`connection` loads the warehouse; `territory` names its zones and residences; `rows`
keeps the indicator rows of each zone and residence as a scope may see them; then one
module per question the app asks: `map_values`, `features` (the map's GeoJSON),
`search`, `zone_panel`, `residence_sheet`. `store.Store` answers them all. The values
they return are in `types`, which imports no DuckDB, so that layouts can use them
without loading it: this package's `__init__` imports nothing.
"""
