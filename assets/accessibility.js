/*
 * Accessibility aids of the pages (layouts/accessibility.py, layouts/map_table.py):
 * - the dropdowns' hidden focus relay (dcc.Dropdown's `.dash-dropdown-focus-target`, a
 *   tab stop marked aria-hidden, which screen readers must not meet unnamed) is named
 *   after its dropdown's label instead of being hidden;
 * - the map's markers are not tab stops, its zoom buttons are named in French;
 * - the map's table: its headers sort it, a row's button opens the sheet of the shape it
 *   stands for, as a click on that shape does (the same clientside path);
 * - letters typed on a closed dropdown all reach its search box;
 * - prefers-reduced-motion: the map jumps where it would fly.
 */
(function () {
    "use strict";

    function labelOf(button) {
        var label = button.id && document.querySelector("label[for='" + CSS.escape(button.id) + "']");
        return label ? label.textContent.trim() : (button.getAttribute("aria-label") || "Liste");
    }

    function nameFocusRelays(root) {
        root.querySelectorAll(".dash-dropdown-focus-target[aria-hidden]").forEach(function (relay) {
            var button = relay.nextElementSibling;
            relay.removeAttribute("aria-hidden");
            relay.setAttribute("aria-label", button ? labelOf(button) : "Liste");
        });
        root.querySelectorAll("input.dash-dropdown-search:not([aria-label])").forEach(function (box) {
            box.setAttribute("aria-label", box.getAttribute("placeholder") || "Rechercher");
        });
    }

    /* The map's markers (residence clusters, equipment points) are not tab stops: the
       map's table is their keyboard equivalent. Its zoom buttons speak French. */
    var ZOOM_TITLES = {"leaflet-control-zoom-in": "Zoom avant", "leaflet-control-zoom-out": "Zoom arrière"};

    function quietMap(root) {
        root.querySelectorAll(".atlas-map .leaflet-marker-icon[tabindex='0']").forEach(function (icon) {
            icon.setAttribute("tabindex", "-1");
        });
        Object.keys(ZOOM_TITLES).forEach(function (name) {
            root.querySelectorAll("a." + name + ":not([data-atlas-titled])").forEach(function (button) {
                button.setAttribute("title", ZOOM_TITLES[name]);
                button.setAttribute("aria-label", ZOOM_TITLES[name]);
                button.setAttribute("data-atlas-titled", "");
            });
        });
    }

    new MutationObserver(function () {
        nameFocusRelays(document);
        quietMap(document);
    }).observe(document.documentElement, {childList: true, subtree: true});

    /* Letters typed on a dropdown while its list opens go to its search box: the first
       letter opens it (dcc.Dropdown's own handling), the next ones, typed before the
       box has the focus, would otherwise be lost. */
    function setSearch(box, text) {
        var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
        setter.call(box, text);
        box.dispatchEvent(new Event("input", {bubbles: true}));
    }

    document.addEventListener("keydown", function (event) {
        var button = event.target.closest && event.target.closest("button.dash-dropdown");
        if (!button || button.getAttribute("aria-expanded") !== "true" || event.key.length !== 1 ||
                event.ctrlKey || event.metaKey || event.altKey) {
            return;
        }
        var box = document.querySelector("input.dash-dropdown-search");
        if (!box) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        setSearch(box, box.value + event.key);
        box.focus();
    }, true);

    /* The map's table: sort by a column (text or number keys), ascending then descending. */
    function sortTable(button) {
        var header = button.closest("th");
        var table = button.closest("table");
        var column = Array.prototype.indexOf.call(header.parentNode.children, header);
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        function key(row) {
            return row.children[column].getAttribute("data-key") || "";
        }
        var numeric = rows.every(function (row) {
            return key(row) === "" || !isNaN(Number(key(row)));
        });
        rows.sort(function (a, b) {
            var x = key(a);
            var y = key(b);
            if (x === "" || y === "") {
                return (x === "") - (y === "");  /* hidden values last, either way */
            }
            var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "fr");
            return ascending ? order : -order;
        });
        rows.forEach(function (row) {
            body.appendChild(row);
        });
        table.querySelectorAll("thead th").forEach(function (th) {
            th.setAttribute("aria-sort", "none");
        });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    }

    function openFeature(button) {
        var scale = button.getAttribute("data-scale");
        var layer = scale === "residence" ? "map-residences" : "map-zones";
        window.dash_clientside.set_props(layer, {
            clickData: {properties: {scale: scale, code: button.getAttribute("data-code")}}
        });
    }

    document.addEventListener("click", function (event) {
        var target = event.target.closest(".map-table-sort, .map-table-open");
        if (!target) {
            return;
        }
        if (target.classList.contains("map-table-sort")) {
            sortTable(target);
        } else {
            openFeature(target);
        }
    });

    /* No flight for those who asked the system for less motion: jump instead. */
    function calmLeaflet() {
        var L = window.L;
        if (!L || !L.Map) {
            return false;
        }
        L.Map.prototype.flyTo = function (center, zoom) {
            return this.setView(center, zoom, {animate: false});
        };
        L.Map.prototype.flyToBounds = function (bounds, options) {
            return this.fitBounds(bounds, Object.assign({}, options, {animate: false}));
        };
        L.Map.mergeOptions({zoomAnimation: false, fadeAnimation: false, markerZoomAnimation: false});
        return true;
    }

    if (window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches) {
        var tries = 0;
        var wait = window.setInterval(function () {
            tries += 1;
            if (calmLeaflet() || tries > 200) {
                window.clearInterval(wait);
            }
        }, 50);
    }
}());
