/* A link of a panel's HTML block (layouts/html_block.py: a button with data-store,
 * data-scale and data-code) opens its zone or residence: it writes the store it names
 * (the map's clicks), which the explorer state follows. */
document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("button[data-store][data-scale]") : null;
    if (!link || !window.dash_clientside || !window.dash_clientside.set_props) {
        return;
    }
    window.dash_clientside.set_props(link.dataset.store, {
        data: {scale: link.dataset.scale, code: link.dataset.code}
    });
});
