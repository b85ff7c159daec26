/*
 * Commune names that do not collide (the "Noms des communes" layer, layouts/map.py):
 * after each zoom or move, a name is shown only where it fits inside its commune's
 * box on the screen and clears every name already shown, larger communes first; the
 * others get `commune-label-hidden` (assets/compact.css). `atlasMap.overlayEach`
 * (assets/atlas_map.js) hands each named commune to `atlasLabels.track`.
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

    function track(layer) {
        tracked.push(layer);
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
