"""The data layer: raw readers, demo generator, pipeline, catalogue and store (no Dash)."""
