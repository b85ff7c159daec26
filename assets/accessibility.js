/*
 * Accessibility aids of the pages (layouts/accessibility.py, layouts/map_table.py):
 * - the dropdowns' hidden focus relay (dcc.Dropdown's `.dash-dropdown-focus-target`, a
 *   tab stop marked aria-hidden, which screen readers must not meet unnamed) is named
 *   after its dropdown's label instead of being hidden;
 * - the live region says which sheet opened;
 * - the map's markers are not tab stops, its zoom buttons are named in French;
 * - the map's table: drawn from its rows, its headers sort it, a row's button opens the sheet of the shape it
 *   stands for, as a click on that shape does (the same clientside path);
 * - letters typed on a dropdown all reach its search box, even where it moved the focus;
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

    /* Letters typed in an open dropdown go to its search box, wherever its focus is:
       - on its button: the first letter opens it (dcc.Dropdown's own handling), the next
         ones, typed before the box has the focus, would otherwise be lost;
       - on an option: a frame or two after its list opens, dcc.Dropdown moves the focus
         to the chosen option, even when the user has reached the box in the meantime (it
         checks where the focus is before that delay, not after); the letters typed next
         would otherwise be lost. A space stays an option's own key: it chooses it. */
    function setSearch(box, text) {
        var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
        setter.call(box, text);
        box.dispatchEvent(new Event("input", {bubbles: true}));
    }

    function searchBoxTypedInto(target, key) {
        var button = target.closest("button.dash-dropdown");
        var option = target.closest(".dash-dropdown-content .dash-options-list-option");
        var open = button ? button.getAttribute("aria-expanded") === "true" : option && key !== " ";
        var dropdown = open && target.closest(".dash-dropdown-wrapper");
        return dropdown ? dropdown.querySelector("input.dash-dropdown-search") : null;
    }

    document.addEventListener("keydown", function (event) {
        if (!event.target.closest || event.key.length !== 1 || event.ctrlKey || event.metaKey ||
                event.altKey) {
            return;
        }
        var box = searchBoxTypedInto(event.target, event.key);
        if (!box) {
            return;
        }
        event.preventDefault();
        event.stopPropagation();
        setSearch(box, box.value + event.key);
        box.focus();
    }, true);

    /* The map's table (layouts/map_table.table_data): built here, since thousands of
       residences are too many components for Dash to render. */
    function element(tag, attributes, text) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) {
            node.setAttribute(name, attributes[name]);
        });
        if (text !== undefined) {
            node.textContent = text;
        }
        return node;
    }

    function tableRow(row) {
        var tr = element("tr", {"class": "map-table-row"});
        var name = element("th", {scope: "row", "data-key": row[2]});
        name.appendChild(element("button", {
            type: "button", "class": "btn btn-link map-table-open",
            "data-scale": row[0], "data-code": row[1]
        }, row[2]));
        tr.appendChild(name);
        tr.appendChild(element("td", {"class": "text-end", "data-key": row[4] === null ? "" : String(row[4])}, row[3]));
        tr.appendChild(element("td", {"data-key": row[5]}, row[5]));
        return tr;
    }

    function drawTable(data) {
        var container = document.getElementById("map-table");
        if (!container) {
            return window.dash_clientside.no_update;
        }
        container.replaceChildren();
        if (!data) {
            return null;
        }
        var table = element("table", {"class": "table table-sm table-hover map-table-grid"});
        table.appendChild(element("caption", {}, data.caption));
        var head = element("tr");
        data.columns.forEach(function (column) {
            var th = element("th", {scope: "col", "aria-sort": "none"});
            th.appendChild(element("button", {type: "button", "class": "map-table-sort", "data-sort": column[0]}, column[1]));
            head.appendChild(th);
        });
        table.appendChild(element("thead")).appendChild(head);
        var body = element("tbody");
        data.rows.forEach(function (row) {
            body.appendChild(tableRow(row));
        });
        table.appendChild(body);
        container.appendChild(table);
        return null;
    }

    /* The title of a component tree as Dash hands it to a clientside callback: the text
       of the first component whose class is `panel-title`. */
    function titleOf(node) {
        if (Array.isArray(node)) {
            for (var i = 0; i < node.length; i += 1) {
                var found = titleOf(node[i]);
                if (found) {
                    return found;
                }
            }
            return null;
        }
        if (!node || typeof node !== "object" || !node.props) {
            return null;
        }
        if (String(node.props.className || "").split(" ").indexOf("panel-title") >= 0) {
            return typeof node.props.children === "string" ? node.props.children : null;
        }
        return titleOf(node.props.children);
    }

    function announceSheet(panel) {
        var title = titleOf(panel);
        return title ? "Fiche ouverte : " + title : window.dash_clientside.no_update;
    }

    /* The clicks of the table's toggle: open while odd. */
    var tableClicks = 0;

    /* The view the table shows: on each click of its toggle (`views`: the attribute of
       layouts/views_holder.py), */
    function tableView(clicks, views) {
        tableClicks = clicks || 0;
        return {clicks: tableClicks, view: window.atlasViews.mapView(views)};
    }

    /* and for a new view of the map while it is open (assets/atlas_views.js); closed, a
       new view runs no callback and costs no request. */
    function followTable(views, previous) {
        if (tableClicks % 2 === 0 || JSON.stringify(views.map) === JSON.stringify(previous.map)) {
            return;
        }
        window.dash_clientside.set_props("map-table-view", {
            data: {clicks: tableClicks, view: views.map}
        });
    }

    window.atlasViewGates = (window.atlasViewGates || []).concat([followTable]);

    window.dash_clientside = Object.assign({}, window.dash_clientside, {
        atlasAccess: {drawTable: drawTable, announceSheet: announceSheet, tableView: tableView}
    });

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
