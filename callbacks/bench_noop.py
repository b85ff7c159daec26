"""The benchmark's baseline: a callback that does nothing, registered only on the
benchmark's server (`Settings.bench_hooks`), never in the portal."""

from __future__ import annotations

from dash import Dash, Input, Output

from layouts.ids import PageIds


def register(app: Dash) -> None:
    @app.callback(
        Output(PageIds.BENCH_NOOP_SINK, "data"),
        Input(PageIds.BENCH_NOOP, "n_clicks"),
        prevent_initial_call=True,
    )
    def bench_noop(n_clicks: int | None) -> int | None:
        """Does nothing: the cost of a Dash round trip through the auth gate."""
        return n_clicks
