"""The map's geometry routes and the gzip of text responses, through the real app."""

from __future__ import annotations

import gzip
import json
import re

ADMIN = "mel-admin@atlas-demo.fr"
GEOMETRIES = (
    "/carte/zones/commune.geojson",
    "/carte/zones/iris.geojson",
    "/carte/zones/qpv.geojson",
    "/carte/residences.geojson",
)


def test_geometries_are_refused_without_a_session(auth_app) -> None:
    client = auth_app.server.test_client()
    for path in GEOMETRIES:
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code in (302, 401), path
        assert b"Feature" not in response.data


def test_geometries_are_served_once_compressed_and_revalidated(logged_in_client, auth_app) -> None:
    client = logged_in_client(auth_app, ADMIN)
    store = auth_app.server.config["ATLAS_STORE"]
    for path, scale in zip(GEOMETRIES, ("commune", "iris", "qpv", "residence"), strict=True):
        response = client.get(path, headers={"Accept-Encoding": "gzip"})
        assert response.status_code == 200, path
        assert response.headers["Content-Encoding"] == "gzip"
        assert response.headers["Cache-Control"].startswith("private")
        collection = json.loads(gzip.decompress(response.data))
        codes = {feature["properties"]["code"] for feature in collection["features"]}
        assert codes == store.map_codes(scale)
        etag = response.headers["ETag"]
        again = client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304 and not again.data
        plain = client.get(path)
        assert "Content-Encoding" not in plain.headers
        assert json.loads(plain.data) == collection
    assert client.get("/carte/zones/canton.geojson").status_code == 404


def test_dash_bundles_and_pages_are_gzipped(logged_in_client, auth_app) -> None:
    client = logged_in_client(auth_app, ADMIN)
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(page.data).decode()
    bundle = re.search(r'src="(/_dash-component-suites/dash_leaflet/[^"]+\.js)"', html).group(1)
    zipped = client.get(bundle, headers={"Accept-Encoding": "gzip"})
    plain = client.get(bundle)
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
