/*
 * Equipment layers of the proximity theme (layouts/map.py equipment_layer): public BPE
 * points and GTFS stops of one family, clustered. hideout: {family, colour}. Feature
 * properties: name (null for a BPE point: the open BPE has no name), type, commune.
 */
(function () {
    "use strict";

    function hideoutOf(context) {
        return (context && context.hideout) || (context && context.props && context.props.hideout) || {};
    }

    function equipmentPoint(feature, latlng, context) {
        return window.L.circleMarker(latlng, {
            className: "atlas-equipment atlas-equipment-" + (hideoutOf(context).family || ""),
            radius: 5,
            fillColor: hideoutOf(context).colour || "#555555",
            fillOpacity: 0.95,
            color: "#ffffff",
            weight: 1.2
        });
    }

    function equipmentEach(feature, layer) {
        var props = feature.properties || {};
        layer.bindTooltip(function () {
            var box = document.createElement("div");
            var title = document.createElement("strong");
            title.textContent = props.name || props.type || "";
            box.appendChild(title);
            var lines = [props.name ? props.type : null, props.commune].filter(Boolean);
            lines.forEach(function (text) {
                box.appendChild(document.createElement("br"));
                box.appendChild(document.createTextNode(text));
            });
            return box;
        }, {sticky: true, className: "atlas-tooltip atlas-equipment-tooltip"});
    }

    function equipmentCluster(feature, latlng, index, context) {
        var span = document.createElement("span");
        span.textContent = feature.properties.point_count_abbreviated;
        span.style.background = hideoutOf(context).colour || "#555555";
        var icon = window.L.divIcon({
            html: span.outerHTML,
            className: "atlas-equipment-cluster",
            iconSize: window.L.point(26, 26)
        });
        return window.L.marker(latlng, {icon: icon, title: feature.properties.point_count + " équipements"});
    }

    window.atlasMap = Object.assign({}, window.atlasMap, {
        equipmentPoint: equipmentPoint,
        equipmentEach: equipmentEach,
        equipmentCluster: equipmentCluster
    });
}());
