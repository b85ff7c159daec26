/*
 * The residence and zone layers of the area in view (callbacks/map_viewport.py).
 *
 * atlasViewport.area (clientside callback): the area whose residences the layer should
 * hold, {west, south, east, north, zoom}: the view with a margin of half a tile to a
 * tile and a half (128 to 384 px) on each side, snapped to the tiles of the zoom, so that a pan inside the
 * loaded area asks for nothing and panning back asks for the same area (cached by the
 * server). null when the map shows another scale (`atResidences`, set by `followScale`
 * only when it flips: a new indicator or year runs no callback here).
 *
 * atlasViewport.zoneArea: the same for the zone layer, {…, zoom, scale}, where `zoom` is
 * the level of detail of the outlines (OUTLINE_ZOOMS, data/outlines.py: 8, 10, then the
 * finest): zooming within a level asks for nothing. null when the map shows residences.
 *
 * atlasViewport.outlineArea: the same for the outline overlays (callbacks/map_selection.py),
 * {…, zoom}, null while no outline is ticked.
 *
 * atlasMap.viewportPoint / viewportEach: a feature with `cluster: true` is a grid
 * cluster (a count; a click zooms on its residences); any other is a residence, drawn
 * and described by the functions of assets/atlas_map.js.
 */
(function () {
    "use strict";

    var TILE_DEGREES_AT_ZOOM_0 = 360;
    /* at least half a tile (128 px) and at most a tile and a half of margin */
    var MARGIN_TILES = 0.5;
    var COORDINATE_DECIMALS = 6;
    var MAX_ZOOM = 18;
    /* the highest zoom of each level of zone outlines (data/outlines.py OUTLINE_LEVELS) */
    var OUTLINE_ZOOMS = [8, 10];

    function rounded(value) {
        return Number(value.toFixed(COORDINATE_DECIMALS));
    }

    function covers(area, west, south, east, north, zoom) {
        return Boolean(area) && area.zoom === zoom && west >= area.west && east <= area.east &&
            south >= area.south && north <= area.north;
    }

    /* The view's bounds with the margin, snapped to the tiles of `zoom`; null when the
       map gives no bounds. */
    function snapped(bounds, zoom) {
        if (!Array.isArray(bounds) || bounds.length !== 2 || typeof zoom !== "number") {
            return null;
        }
        var south = bounds[0][0], west = bounds[0][1], north = bounds[1][0], east = bounds[1][1];
        var level = Math.round(zoom);
        /* a tile's width in longitude, and in latitude near the view (Mercator) */
        var stepLon = TILE_DEGREES_AT_ZOOM_0 / Math.pow(2, level);
        var middle = Math.round((south + north) / 2);
        var stepLat = stepLon * Math.cos(middle * Math.PI / 180);
        return {
            west: rounded(Math.floor(west / stepLon - MARGIN_TILES) * stepLon),
            south: rounded(Math.floor(south / stepLat - MARGIN_TILES) * stepLat),
            east: rounded(Math.ceil(east / stepLon + MARGIN_TILES) * stepLon),
            north: rounded(Math.ceil(north / stepLat + MARGIN_TILES) * stepLat)
        };
    }

    function coversView(current, bounds, level) {
        return Array.isArray(bounds) && bounds.length === 2 &&
            covers(current, bounds[0][1], bounds[0][0], bounds[1][1], bounds[1][0], level);
    }

    function area(bounds, zoom, atResidences, current) {
        var noUpdate = window.dash_clientside.no_update;
        if (!atResidences) {
            return current ? null : noUpdate;
        }
        var level = Math.round(zoom);
        var box = snapped(bounds, zoom);
        if (box === null || coversView(current, bounds, level)) {
            return noUpdate;
        }
        return Object.assign(box, {zoom: level});
    }

    /* The level of detail of the zone outlines drawn at `zoom`. */
    function outlineLevel(zoom) {
        var level = Math.round(zoom);
        for (var k = 0; k < OUTLINE_ZOOMS.length; k += 1) {
            if (level <= OUTLINE_ZOOMS[k]) {
                return OUTLINE_ZOOMS[k];
            }
        }
        return MAX_ZOOM;
    }

    function zoneArea(bounds, zoom, scale, current) {
        var noUpdate = window.dash_clientside.no_update;
        if (!scale) {
            zoneAreaShown = null;
            return current ? null : noUpdate;
        }
        var level = outlineLevel(zoom);
        var box = snapped(bounds, zoom);
        if (box === null || (current && current.scale === scale && coversView(current, bounds, level))) {
            return noUpdate;
        }
        zoneAreaShown = Object.assign(box, {zoom: level, scale: scale});
        return zoneAreaShown;
    }

    /* The overlays drawn from zone outlines (layouts/map.py OVERLAY_SCALES). */
    var OUTLINE_OVERLAYS = ["qpv", "iris", "communes", "noms"];

    /* The area of the outline overlays: the same as zoneArea's, asked for only while an
       outline is ticked (the overlays' view, {overlays: [...]}). */
    function outlineArea(bounds, zoom, overlaysView, current) {
        var noUpdate = window.dash_clientside.no_update;
        var ticked = ((overlaysView && overlaysView.overlays) || []).some(function (name) {
            return OUTLINE_OVERLAYS.indexOf(name) >= 0;
        });
        if (!ticked) {
            return current ? null : noUpdate;
        }
        var level = outlineLevel(zoom);
        var box = snapped(bounds, zoom);
        if (box === null || coversView(current, bounds, level)) {
            return noUpdate;
        }
        return Object.assign(box, {zoom: level});
    }

    var VIEW_KEYS = ["scale", "indicator", "year", "method"];
    var AREA_KEYS = ["west", "south", "east", "north", "zoom"];
    var ZONE_AREA_KEYS = AREA_KEYS.concat(["scale"]);

    function same(one, other, keys) {
        return Boolean(one) && Boolean(other) && keys.every(function (key) {
            return one[key] === other[key];
        });
    }

    /* The layer's hideout says for which view and area it was cut (callbacks/map_style
       drawn_for). The state's answer (a new view, for the area it was sent) and the
       layer's (a new area, in the view it was sent) may cross: when the last one is not
       for the view and the area shown, the area is asked for again in the view shown
       (its points are cached by the server). A hideout cut for no area (the scale just
       switched to residences) asks for nothing: the area's own load follows. */
    function restyleIfStale(hideout, views, current) {
        var view = window.atlasViews.mapView(views);
        var drawn = hideout && hideout["for"];
        if (!drawn || !drawn.area || !current || !view || view.scale !== "residence" ||
                (same(drawn.view, view, VIEW_KEYS) && same(drawn.area, current, AREA_KEYS))) {
            return window.dash_clientside.no_update;
        }
        /* set, not returned: Dash runs nothing after a callback that returns the value
           the store already holds */
        window.dash_clientside.set_props("map-residence-area", {data: Object.assign({}, current)});
        return window.dash_clientside.no_update;
    }

    /* The zone area last asked for (zoneArea, or again by restyleZonesIfStale): the
       zone layer's `data` follows it. */
    var zoneAreaShown = null;

    /* The zones' hideout comes as the attribute of MapIds.ZONE_STYLE, from the state's
       answer or the zone layer's: the same check as restyleIfStale, run by the
       attribute's observer (assets/atlas_map.js) rather than a Dash callback, so that a
       new indicator costs the browser no cycle after its answer. */
    function restyleZonesIfStale(hideout) {
        var holder = document.getElementById("views");
        var view = window.atlasViews.mapView(holder && holder.getAttribute("data-views"));
        var drawn = hideout && hideout["for"];
        var current = zoneAreaShown;
        if (!drawn || !drawn.area || !current || !view || view.scale !== current.scale ||
                (same(drawn.view, view, VIEW_KEYS) && same(drawn.area, current, ZONE_AREA_KEYS))) {
            return;
        }
        zoneAreaShown = Object.assign({}, current);
        window.dash_clientside.set_props("map-zone-area", {data: zoneAreaShown});
    }

    window.atlasZoneStyleGates = (window.atlasZoneStyleGates || []).concat([restyleZonesIfStale]);

    /* The scale the map shows, told to `area` (whether residences) and `zoneArea` (which
       zone scale) only when it changes (assets/atlas_views.js). */
    var atResidences = false;
    var zoneScale = null;

    function followScale(views) {
        var scale = views.map ? views.map.scale : null;
        var now = scale === "residence";
        if (now !== atResidences) {
            atResidences = now;
            window.dash_clientside.set_props("map-residence-scale", {data: now});
        }
        var zones = scale && !now ? scale : null;
        if (zones !== zoneScale) {
            zoneScale = zones;
            window.dash_clientside.set_props("map-zone-scale", {data: zones});
        }
    }

    window.atlasViewGates = (window.atlasViewGates || []).concat([followScale]);

    function sizeOf(count) {
        return count < 50 ? "s" : (count < 300 ? "m" : "l");
    }

    function clusterMarker(props, latlng) {
        var span = document.createElement("span");
        span.textContent = props.short;
        var icon = window.L.divIcon({
            html: span.outerHTML,
            className: "atlas-cluster atlas-grid-cluster atlas-cluster-" + sizeOf(props.residences),
            iconSize: window.L.point(38, 38)
        });
        return window.L.marker(latlng, {icon: icon, title: props.label});
    }

    /* Zoom on a cluster's residences (or two levels in, when they share one spot). */
    function zoomIn(event) {
        var marker = event.target;
        var map = marker._map;
        var extent = (marker.feature.properties || {}).extent;
        if (!map) {
            return;
        }
        var south = extent[0], west = extent[1], north = extent[2], east = extent[3];
        if (north > south || east > west) {
            map.fitBounds([[south, west], [north, east]], {padding: [40, 40], maxZoom: MAX_ZOOM});
        } else {
            map.setView(event.latlng || marker.getLatLng(), Math.min(map.getZoom() + 2, MAX_ZOOM));
        }
    }

    function viewportPoint(feature, latlng, context) {
        var props = feature.properties || {};
        if (props.cluster) {
            return clusterMarker(props, latlng);
        }
        return window.atlasMap.residencePoint(feature, latlng, context);
    }

    function viewportEach(feature, layer, context) {
        var props = feature.properties || {};
        if (props.cluster) {
            layer.bindTooltip(props.label, {className: "atlas-tooltip"});
            layer.on("click", zoomIn);
            return;
        }
        window.atlasMap.residenceEach(feature, layer, context);
    }

    window.atlasMap = Object.assign({}, window.atlasMap, {
        viewportPoint: viewportPoint,
        viewportEach: viewportEach
    });
    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        atlasViewport: {
            area: area,
            restyleIfStale: restyleIfStale,
            zoneArea: zoneArea,
            outlineArea: outlineArea
        }
    });
}());
