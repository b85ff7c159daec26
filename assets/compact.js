/*
 * Folding parts of the explorer (layouts/compact.py), in the browser only:
 * - the "Menu" button (narrow screens) opens the header's links, and below 1100 px the
 *   controls: class `atlas-menu-open` on the page;
 * - the layers button opens the layers' switches over the map: class `layers-open` on
 *   the layers menu; a click elsewhere or Escape closes it;
 * - the legend button folds the legend: class `legend-folded` (or, on a phone, where it
 *   starts folded, `legend-unfolded`) on the map's wrapper.
 * Each button's aria-expanded says what is open. Dash never rewrites these classes: its
 * components keep the `className` they were drawn with, and React only touches what
 * changed in their props.
 */
(function () {
    "use strict";

    var PHONE = "(max-width: 600px)";

    function setExpanded(button, open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
    }

    function toggleMenu(button) {
        var page = button.closest(".atlas-page");
        if (page) {
            setExpanded(button, page.classList.toggle("atlas-menu-open"));
        }
    }

    function closeLayers(except) {
        document.querySelectorAll(".layers-menu.layers-open").forEach(function (menu) {
            if (menu !== except) {
                menu.classList.remove("layers-open");
                setExpanded(menu.querySelector(".layers-button"), false);
            }
        });
    }

    function toggleLayers(button) {
        var menu = button.closest(".layers-menu");
        closeLayers(menu);
        setExpanded(button, menu.classList.toggle("layers-open"));
    }

    function legendShown(wrap) {
        var phone = window.matchMedia(PHONE).matches;
        return phone ? wrap.classList.contains("legend-unfolded") : !wrap.classList.contains("legend-folded");
    }

    function toggleLegend(button) {
        var wrap = button.closest(".map-wrap");
        var phone = window.matchMedia(PHONE).matches;
        var shown = legendShown(wrap);
        wrap.classList.toggle(phone ? "legend-unfolded" : "legend-folded");
        setExpanded(button, !shown);
    }

    /* The legend button starts "expanded" (layouts/compact.py): on a phone, where the
       legend starts folded, say so once it is drawn. */
    function syncLegendButton() {
        var button = document.querySelector(".legend-fold");
        if (!button) {
            return false;
        }
        setExpanded(button, legendShown(button.closest(".map-wrap")));
        return true;
    }

    document.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (button && button.classList.contains("atlas-menu-button")) {
            toggleMenu(button);
        } else if (button && button.classList.contains("layers-button")) {
            toggleLayers(button);
            return;
        } else if (button && button.classList.contains("legend-fold")) {
            toggleLegend(button);
        }
        if (!event.target.closest(".layers-menu")) {
            closeLayers(null);
        }
    });
    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
            closeLayers(null);
        }
    });
    var watcher = new MutationObserver(function () {
        if (syncLegendButton()) {
            watcher.disconnect();
        }
    });
    watcher.observe(document.documentElement, {childList: true, subtree: true});
}());
