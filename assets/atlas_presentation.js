/*
 * Presentation mode and tours (layouts/presentation.py): `?presentation=1` in the
 * permalink puts the page in presentation mode (the class `atlas-presenting` on <html>,
 * assets/presentation.css); the button enters it, Escape and the exit button leave it.
 * In a tour (`&parcours=<id>&etape=<n>`), the arrow keys (and a clicker's Page Up/Down)
 * press the step's previous and next links, which open each view as its permalink would.
 * With `prefers-reduced-motion`, the map jumps instead of flying.
 */
(function () {
    "use strict";

    var PRESENTATION = "presentation";
    var TOUR_PARAMS = ["parcours", "etape"];
    var PRESENTING_CLASS = "atlas-presenting";
    var NEXT_KEYS = ["ArrowRight", "PageDown"];
    var PREVIOUS_KEYS = ["ArrowLeft", "PageUp"];

    /* The parameters the explorer's permalink keeps across its own pushes
       (assets/atlas_map.js pushPermalink). */
    window.atlasKeptParams = [PRESENTATION].concat(TOUR_PARAMS);

    function presenting() {
        return new URLSearchParams(window.location.search).get(PRESENTATION) === "1";
    }

    /* The Leaflet maps of the page, to keep what they show when their size changes. */
    var maps = [];
    if (window.L && window.L.Map) {
        window.L.Map.addInitHook(function () { maps.push(this); });
    }

    function sync() {
        var root = document.documentElement;
        var on = presenting();
        if (root.classList.contains(PRESENTING_CLASS) === on) {
            return;
        }
        maps = maps.filter(function (map) { return map.getContainer().isConnected; });
        var shown = maps.map(function (map) { return map.getBounds(); });
        root.classList.toggle(PRESENTING_CLASS, on);
        /* entering, the larger map shows at least the same area; leaving, it keeps its
           centre and zoom (so that going in and out does not drift) */
        maps.forEach(function (map, i) {
            map.invalidateSize({animate: false});
            if (on) {
                map.fitBounds(shown[i], {animate: false});
            }
        });
    }

    function rewrite(change) {
        var params = new URLSearchParams(window.location.search);
        change(params);
        var query = params.toString().replace(/%2C/g, ",").replace(/%3A/g, ":").replace(/%3B/g, ";");
        window.history.replaceState(window.history.state, "",
            window.location.pathname + (query ? "?" + query : ""));
        sync();
    }

    function enter() {
        rewrite(function (params) { params.set(PRESENTATION, "1"); });
    }

    function leave() {
        rewrite(function (params) {
            [PRESENTATION].concat(TOUR_PARAMS).forEach(function (key) { params.delete(key); });
        });
    }

    function typing(target) {
        return target && target.closest && target.closest("input, textarea, select, [contenteditable]");
    }

    function press(id) {
        var link = document.getElementById(id);
        if (link && link.tagName === "A") {
            link.click();
        }
    }

    document.addEventListener("click", function (event) {
        var target = event.target;
        if (!target || !target.closest) {
            return;
        }
        if (target.closest("#presentation-toggle")) {
            enter();
        } else if (target.closest("#presentation-exit")) {
            leave();
        }
    });

    document.addEventListener("keydown", function (event) {
        if (!presenting() || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        if (event.key === "Escape") {
            leave();
        } else if (typing(event.target)) {
            return;
        } else if (NEXT_KEYS.indexOf(event.key) >= 0) {
            event.preventDefault();
            press("tour-next");
        } else if (PREVIOUS_KEYS.indexOf(event.key) >= 0) {
            event.preventDefault();
            press("tour-previous");
        }
    });

    window.addEventListener("popstate", sync);
    window.addEventListener("_dashprivate_pushstate", sync);
    sync();

    function reducedMotion() {
        return window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    }

    /* Fly-to animations become jumps when the user asks for reduced motion: a flight of
       a tenth of a second, which ends like any other (an instant `setView` or a flight of
       one frame sometimes ends before dash-leaflet listens again, and the map's new view
       never reaches the permalink). */
    var JUMP_SECONDS = 0.1;

    function jump(options) {
        return reducedMotion() ? Object.assign({}, options, {duration: JUMP_SECONDS}) : options;
    }

    function stillMap() {
        var L = window.L;
        if (!L || !L.Map || L.Map.prototype.atlasStill) {
            return;
        }
        var proto = L.Map.prototype;
        var flyTo = proto.flyTo;
        var flyToBounds = proto.flyToBounds;
        proto.flyTo = function (latlng, zoom, options) {
            return flyTo.call(this, latlng, zoom, jump(options));
        };
        proto.flyToBounds = function (bounds, options) {
            return flyToBounds.call(this, bounds, jump(options));
        };
        proto.atlasStill = true;
    }

    stillMap();
    window.addEventListener("load", stillMap);

    function copyWithSelection(text) {
        var area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        var done = false;
        try {
            done = document.execCommand("copy");
        } finally {
            document.body.removeChild(area);
        }
        return done;
    }

    /* A new view of the map while presenting renames the caption (assets/atlas_views.js);
       out of presentation mode, it runs no callback and costs no request. */
    function followCaption(views, previous) {
        if (!presenting() || JSON.stringify(views.map) === JSON.stringify(previous.map)) {
            return;
        }
        window.dash_clientside.set_props("presentation-caption-view", {data: {view: views.map}});
    }

    window.atlasViewGates = (window.atlasViewGates || []).concat([followCaption]);

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        atlasPresentation: {
            /* The address of the view (the permalink) into the clipboard. */
            copyLink: function (clicks) {
                if (!clicks) {
                    return window.dash_clientside.no_update;
                }
                var href = window.location.href;
                var copied = "Lien copié";
                var failed = "Copie impossible : sélectionnez l'adresse " + href;
                if (navigator.clipboard && window.isSecureContext) {
                    return navigator.clipboard.writeText(href).then(
                        function () { return copied; },
                        function () { return copyWithSelection(href) ? copied : failed; }
                    );
                }
                return copyWithSelection(href) ? copied : failed;
            },
            /* The view the caption names as the button enters presentation mode
               (`views`: the attribute of layouts/views_holder.py); then `followCaption`. */
            captionView: function (clicks, views) {
                if (!clicks) {
                    return window.dash_clientside.no_update;
                }
                return {view: window.atlasViews.mapView(views)};
            },
            /* A new sheet opens at its top. */
            panelToTop: function () {
                var panel = document.getElementById("panel");
                if (panel) {
                    panel.scrollTop = 0;
                }
                return window.dash_clientside.no_update;
            }
        }
    });
}());
