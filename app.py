"""The Dash application: `create_app(settings)`, and module-level `app`/`server` for gunicorn."""

from __future__ import annotations

from dash import Dash

from auth import init_auth
from config import Settings, load_settings
from data.store import Store
from layouts.shell import page


def create_app(settings: Settings) -> Dash:
    store = Store(settings.data_dir)
    app = Dash(
        __name__,
        title="Atlas du logement social",
        serve_locally=True,
        update_title=None,
    )
    app.server.config["SECRET_KEY"] = settings.secret_key
    app.server.config["ATLAS_SETTINGS"] = settings
    app.server.config["ATLAS_STORE"] = store
    init_auth(app, settings)

    @app.server.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.layout = page(
        store.zones_geojson("commune"),
        demo=store.is_demo,
        tile_url=settings.tile_url,
        attribution=settings.tile_attribution,
    )
    return app


app = create_app(load_settings())
server = app.server
