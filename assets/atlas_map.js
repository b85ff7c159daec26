/*
 * Map functions of the Atlas, written once and referenced from Python by name
 * ({"variable": "atlasMap.<name>"}): dash-leaflet calls them with the layer's props
 * (incl. `hideout`) as last argument. Switching indicator or year only changes
 * `hideout`; the geometries stay in the browser.
 *
 * The zones' layer keeps its features when the indicator or year changes: its hideout
 * comes as the `data-hideout` attribute of a hidden element (MapIds.ZONE_STYLE,
 * layouts/map.py), and restyleZones sets the new style on the paths drawn as soon as
 * that attribute changes, in the same frame as the legend (a new `hideout` prop would
 * make dash-leaflet draw every path anew; a Dash callback on it would run one cycle
 * after the legend).
 *
 * hideout of a choropleth layer (layouts/choropleth.py), one entry per feature at the
 * position of its `i` property: {classes: "03s-1…" (a class digit, or a mark: s secret,
 * n not available, r outside the convention, - no row), labels: ["12,3 %", "", …],
 * (the residence layer: {"17": "3", …} and {"17": "12,3 %", …}, the loaded points only),
 * palette: ["#rrggbb" by class], colors: {mark: "#rrggbb"}, texts: {mark: text,
 * secret_residence (residences: the one text of a secret residence)},
 * title: "Taux de vacance (2024)"}; residences also get radii: {size class: pixels}
 * (data/catalog.py SIZE_CLASSES).
 */
(function () {
    "use strict";

    var NO_DATA_FILL = "#ffffff";
    var OUTLINE = "#4a5560";
    var SELECTED = "#d7301f";
    var NEAR_METRES = 500;
    var OVERLAY_STYLES = {
        qpv: {color: "#c51b7d", weight: 2, dashArray: "5 4", fill: false, opacity: 0.9},
        iris: {color: "#6b6b6b", weight: 0.7, fill: false, opacity: 0.8},
        communes: {color: "#1f2d3a", weight: 1.6, fill: false, opacity: 0.9},
        none: {stroke: false, fill: false}
    };

    var NO_ROW = "-";

    function hideoutOf(context) {
        return (context && context.hideout) || {};
    }

    function isClass(mark) {
        return mark >= "0" && mark <= "9";
    }

    /* The feature's character in hideout.classes: a class digit or a status mark. The
       classes are a string by position (zones), or an object keyed by position holding
       the features loaded (residences of the area in view). */
    function markOf(props, hideout) {
        var classes = hideout.classes || "";
        var i = props.i;
        if (typeof i !== "number" || i < 0) {
            return NO_ROW;
        }
        if (typeof classes === "string") {
            return i < classes.length ? classes.charAt(i) : NO_ROW;
        }
        return Object.prototype.hasOwnProperty.call(classes, i) ? classes[i] : NO_ROW;
    }

    /* The fill of a feature, undefined when it has no row this year. */
    function fillOf(props, hideout) {
        var mark = markOf(props, hideout);
        return isClass(mark) ? (hideout.palette || [])[Number(mark)] : (hideout.colors || {})[mark];
    }

    /* A residence flagged secret says why, in one wording for all of them; any other
       hidden value gets the text of its mark. */
    function valueText(props, hideout) {
        var mark = markOf(props, hideout);
        var texts = hideout.texts || {};
        if (isClass(mark)) {
            var labels = hideout.labels || [];
            return Object.prototype.hasOwnProperty.call(labels, props.i) ? labels[props.i] : "";
        }
        if (mark === "s" && props.secret && texts.secret_residence) {
            return texts.secret_residence;
        }
        return texts[mark] || "";
    }

    /* Tooltip content built with textContent: names from the data never become HTML. */
    function tooltipElement(feature, hideout) {
        var props = feature.properties || {};
        var box = document.createElement("div");
        var name = document.createElement("strong");
        name.textContent = props.name || props.code || "";
        box.appendChild(name);
        if (hideout.title) {
            var line = document.createElement("div");
            line.textContent = hideout.title + " : " + valueText(props, hideout);
            box.appendChild(line);
        }
        return box;
    }

    function bindTooltip(feature, layer, context) {
        layer.bindTooltip(function () {
            return tooltipElement(feature, hideoutOf(context));
        }, {sticky: true, className: "atlas-tooltip"});
    }

    /* The zones' hideout (restyleZones), and the map they are drawn on. */
    var zones = {hideout: {}, map: null};

    function zoneStyle(feature, context) {
        zones.map = (context && context.map) || zones.map;
        var fill = fillOf(feature.properties || {}, zones.hideout);
        return {
            className: "atlas-zone",
            fillColor: fill || NO_DATA_FILL,
            fillOpacity: fill ? 0.78 : 0.35,
            color: OUTLINE,
            weight: 0.7,
            opacity: 0.9
        };
    }

    function zoneEach(feature, layer) {
        layer.bindTooltip(function () {
            return tooltipElement(feature, zones.hideout);
        }, {sticky: true, className: "atlas-tooltip"});
    }

    /* The zones drawn take the style of a new hideout, in place: same paths, new
       attributes; a tooltip open under the pointer shows the new value. */
    function restyleZones(hideout) {
        zones.hideout = hideout || {};
        if (!zones.map) {
            return;
        }
        zones.map.eachLayer(function (layer) {
            if (layer.feature && layer.options.className === "atlas-zone") {
                layer.setStyle(zoneStyle(layer.feature));
                if (layer.isTooltipOpen()) {
                    layer.getTooltip().update();
                }
            }
        });
    }

    /* React writes the attribute in the commit that draws the legend; the observer runs
       right after it, before the frame is painted. */
    /* Each function of window.atlasZoneStyleGates is then called with the new hideout
       (assets/atlas_map_viewport.js: is it for the view and area shown?). */
    new MutationObserver(function (mutations) {
        var holder = mutations[mutations.length - 1].target;
        if (holder.id === "map-zone-style") {
            var hideout = JSON.parse(holder.getAttribute("data-hideout") || "{}");
            restyleZones(hideout);
            (window.atlasZoneStyleGates || []).forEach(function (gate) {
                gate(hideout);
            });
        }
    }).observe(document.documentElement, {
        subtree: true, attributes: true, attributeFilter: ["data-hideout"]
    });

    function residencePoint(feature, latlng, context) {
        var props = feature.properties || {};
        var fill = fillOf(props, hideoutOf(context));
        return window.L.circleMarker(latlng, {
            className: "atlas-residence" + (props.secret ? " atlas-residence-secret" : ""),
            radius: (hideoutOf(context).radii || {})[props.size] || 5,
            fillColor: fill || NO_DATA_FILL,
            fillOpacity: 0.9,
            color: "#263238",
            weight: 0.8
        });
    }

    function overlayStyle(feature, context) {
        var kind = hideoutOf(context).kind;
        return Object.assign({className: "atlas-overlay atlas-overlay-" + kind},
            OVERLAY_STYLES[kind] || OVERLAY_STYLES.communes);
    }

    /* A name starts hidden: assets/commune_labels.js shows it once it clears the others
       (the outlines come again with each new area, names included). */
    function overlayEach(feature, layer, context) {
        if (hideoutOf(context).names && feature.properties) {
            layer.bindTooltip(feature.properties.name, {
                permanent: true, direction: "center",
                className: "commune-label commune-label-hidden"
            });
            window.atlasLabels.track(layer);
        }
    }

    /* A zone's outline; a residence's point draws itself (selectionPoint): a style here
       would be set on both of its shapes. */
    function selectionStyle(feature) {
        if (feature && feature.geometry && feature.geometry.type === "Point") {
            return {};
        }
        return {className: "atlas-selection", color: SELECTED, weight: 3.5, fill: false, opacity: 1};
    }

    /* A selected residence: its ring, and the 500 m around it (the proximity theme's
       "within 500 m", straight line). */
    function selectionPoint(feature, latlng) {
        return window.L.featureGroup([
            window.L.circle(latlng, {
                className: "atlas-selection-500m", radius: NEAR_METRES, color: SELECTED, weight: 1.5,
                dashArray: "6 4", fillColor: SELECTED, fillOpacity: 0.06, interactive: false
            }),
            window.L.circleMarker(latlng, {
                className: "atlas-selection", radius: 15, color: SELECTED, weight: 3, fill: false, interactive: false
            })
        ]);
    }

    window.atlasMap = Object.assign({}, window.atlasMap, {
        zoneStyle: zoneStyle,
        zoneEach: zoneEach,
        residencePoint: residencePoint,
        residenceEach: bindTooltip,
        overlayStyle: overlayStyle,
        overlayEach: overlayEach,
        selectionStyle: selectionStyle,
        selectionPoint: selectionPoint
    });

    /* Clientside callbacks (no server round trip). */
    /* The same characters left unescaped as layouts/map_state.to_query. */
    function readable(params) {
        return params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%3B/g, ";");
    }

    function replaceQueryParams(values) {
        var params = new URLSearchParams(window.location.search);
        Object.keys(values).forEach(function (key) {
            params.set(key, values[key]);
        });
        window.history.replaceState(window.history.state, "",
            window.location.pathname + "?" + readable(params));
    }

    /* The state we pushed last, without centre and zoom (which pan and zoom rewrite),
       until `url` reports it back. */
    var lastPushed = null;

    /* `url` (dcc.Location) learns of a pushed entry once the browser is idle: the Dash
       callbacks it triggers (`navigated`, the tour's position) change nothing on screen,
       and run after the new view is painted instead of delaying it. A back or forward
       before that is read here, since `url` may not see it as a change. */
    var untold = null;

    function tellLocationWhenIdle() {
        if (untold !== null) {
            return;
        }
        var tell = function () {
            untold = null;
            window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
        };
        if (window.requestIdleCallback) {
            var idle = window.requestIdleCallback(tell, {timeout: 1000});
            untold = function () { window.cancelIdleCallback(idle); };
        } else {
            var timer = window.setTimeout(tell, 200);
            untold = function () { window.clearTimeout(timer); };
        }
    }

    window.addEventListener("popstate", function () {
        if (untold === null) {
            return;
        }
        untold();
        untold = null;
        lastPushed = null;
        window.dash_clientside.set_props("navigation", {
            data: {search: window.location.search, at: Date.now()}
        });
    });

    function withoutViewport(search) {
        var params = new URLSearchParams(search);
        params.delete("centre");
        params.delete("zoom");
        (window.atlasKeptParams || []).forEach(function (key) { params.delete(key); });
        return readable(params);
    }

    /* A new state of the explorer (query string built by callbacks/explorer_state.py,
       in the views' attribute: assets/atlas_views.js) becomes a history entry; `url`
       (dcc.Location) is told, so that the back button finds it up to date. */
    function pushPermalink(views) {
        var query = views.permalink;
        if (!query) {
            return;
        }
        /* the centre and zoom in the address bar are fresher than the server's
           (a flight may have ended while the callback ran) */
        var params = new URLSearchParams(query);
        var here = new URLSearchParams(window.location.search);
        if (here.has("centre") && here.has("zoom")) {
            params.set("centre", here.get("centre"));
            params.set("zoom", here.get("zoom"));
        }
        /* display parameters the state does not hold (assets/atlas_presentation.js) */
        (window.atlasKeptParams || []).forEach(function (key) {
            if (here.has(key)) {
                params.set(key, here.get(key));
            }
        });
        var search = "?" + readable(params);
        if (search === window.location.search) {
            return;
        }
        window.history.pushState({}, "", window.location.pathname + search);
        lastPushed = withoutViewport(search);
        tellLocationWhenIdle();
    }

    window.atlasViewGates = (window.atlasViewGates || []).concat([pushPermalink]);

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        atlas: {
            /* A load or back/forward hands the query string to the state callback
               (callbacks/explorer_state.py); our own push, which `url` is told about,
               is not read back. */
            navigated: function (search) {
                if (lastPushed !== null && withoutViewport(search || "") === lastPushed) {
                    lastPushed = null;
                    return window.dash_clientside.no_update;
                }
                return {search: search || "", at: Date.now()};
            },
            /* A click on a zone or a residence (not a cluster): what was clicked. */
            selectFromClick: function () {
                var ctx = window.dash_clientside.callback_context;
                var click = ctx.triggered.length ? ctx.triggered[0].value : null;
                var props = click && click.properties;
                if (!props || props.cluster || !props.code || !props.scale) {
                    return window.dash_clientside.no_update;
                }
                return {scale: props.scale, code: props.code};
            },
            /* Pan and zoom rewrite the permalink in place (no new history entry): the
               back button walks through views, not through every drag. Same format as
               layouts/map_state.format_centre. */
            rememberViewport: function (center, zoom) {
                if (!center || zoom === undefined || zoom === null) {
                    return window.dash_clientside.no_update;
                }
                var lat = Array.isArray(center) ? center[0] : center.lat;
                var lng = Array.isArray(center) ? center[1] : center.lng;
                if (typeof lat !== "number" || typeof lng !== "number") {
                    return window.dash_clientside.no_update;
                }
                replaceQueryParams({
                    centre: lat.toFixed(5) + "," + lng.toFixed(5),
                    zoom: String(Math.round(zoom))
                });
                return window.dash_clientside.no_update;
            }
        }
    });
}());
