/*
 * The views of the explorer's state that follow it without a Dash callback
 * (layouts/views_holder.py): the state callback writes the map's view and the
 * permalink as the `data-views` attribute of a hidden element; this observer reads it
 * right after React's commit and calls each gate registered in
 * `window.atlasViewGates` with (views, previous). A gate does its work itself (the
 * permalink: a history entry) or wakes its Dash callback with `set_props` only when it
 * has something to change (the open table, the caption while presenting, the residence
 * layer when the scale flips): an indicator change with none of them runs no Dash
 * callback after the state's answer.
 */
(function () {
    "use strict";

    var HOLDER = "views";
    var ATTRIBUTE = "data-views";
    var previous = {};

    function read(holder) {
        try {
            var views = JSON.parse(holder.getAttribute(ATTRIBUTE) || "{}");
            return views && typeof views === "object" ? views : {};
        } catch (error) {
            return {};
        }
    }

    new MutationObserver(function (mutations) {
        var holder = null;
        mutations.forEach(function (mutation) {
            if (mutation.target.id === HOLDER) {
                holder = mutation.target;
            }
        });
        if (holder === null) {
            return;
        }
        var views = read(holder);
        var before = previous;
        previous = views;
        (window.atlasViewGates || []).forEach(function (gate) {
            gate(views, before);
        });
    }).observe(document.documentElement, {
        subtree: true, attributes: true, attributeFilter: [ATTRIBUTE]
    });

    /* The map's view in the attribute as a clientside callback reads it (a State). */
    window.atlasViews = {
        mapView: function (attribute) {
            try {
                var views = JSON.parse(attribute || "{}");
                return (views && views.map) || null;
            } catch (error) {
                return null;
            }
        }
    };
}());
