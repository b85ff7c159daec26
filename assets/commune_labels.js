/*
 * Commune names that do not collide (the "Noms des communes" layer, layouts/map.py):
 * after each zoom or move, a name is shown only where it fits inside its commune's
 * box on the screen and clears every name already shown, larger communes first; the
 * others get `commune-label-hidden` (assets/compact.css), as does a name leaving the
 * map. `atlasMap.overlayEach` (assets/atlas_map.js) hands each named commune to
 * `atlasLabels.track`; a name starts hidden.
 */
(function () {
    "use strict";

    var HIDDEN = "commune-label-hidden";
    var GAP = 2; // pixels between two names
    var tracked = [];
    var listening = [];
    var frame = null;

    function apart(a, b) {
        return a.right + GAP <= b.left || b.right + GAP <= a.left ||
            a.bottom + GAP <= b.top || b.bottom + GAP <= a.top;
    }

    /* Read every box first (hidden names keep theirs: visibility), then write. */
    function declutter() {
        frame = null;
        tracked = tracked.filter(function (layer) { return layer._map; });
        var items = tracked.map(function (layer) {
            var tooltip = layer.getTooltip();
            var element = tooltip && tooltip.getElement();
            if (!element) {
                return null;
            }
            var bounds = layer.getBounds();
            var corner = layer._map.latLngToContainerPoint(bounds.getNorthWest());
            var opposite = layer._map.latLngToContainerPoint(bounds.getSouthEast());
            return {
                element: element,
                width: opposite.x - corner.x,
                height: opposite.y - corner.y,
                box: element.getBoundingClientRect()
            };
        }).filter(Boolean);
        items.sort(function (a, b) { return b.width * b.height - a.width * a.height; });
        var shown = [];
        items.forEach(function (item) {
            var fits = item.box.width <= item.width && item.box.height <= item.height;
            var clear = fits && shown.every(function (box) { return apart(box, item.box); });
            if (clear) {
                shown.push(item.box);
            }
            item.element.classList.toggle(HIDDEN, !clear);
        });
    }

    function schedule() {
        if (frame === null) {
            frame = window.requestAnimationFrame(declutter);
        }
    }

    /* A name whose commune leaves the map (the outlines of a new area replace it) is
       hidden at once: Leaflet fades its tooltip out, over the names that replace it. */
    function hideLeaving(event) {
        var tooltip = event.target.getTooltip();
        var element = tooltip && tooltip.getElement();
        if (element) {
            element.classList.add(HIDDEN);
        }
    }

    function track(layer) {
        tracked.push(layer);
        layer.on("remove", hideLeaving);
        layer.on("add", function () {
            var map = layer._map;
            if (map && listening.indexOf(map) < 0) {
                listening.push(map);
                map.on("zoomend moveend resize", schedule);
            }
            schedule();
        });
    }

    window.atlasLabels = {track: track};
}());
