/* The sheet's charts drawn when they come into view (layouts/panel_common.lazy_graph).
 *
 * A placeholder holds its chart's props in `data-graph` (figure, config, class, height).
 * Once it is in view, or when its props change while in view, the chart is drawn in it
 * with plotly.js directly: a sheet shows without waiting for the charts below the fold,
 * a chart whose props did not change is not drawn again, and a redrawn sheet (a new
 * indicator or year) updates its charts in place (`Plotly.react` on the same plot,
 * which follows its placeholder from one drawing of the sheet to the next).
 *
 * plotly.js (3.5 MB) is loaded once the explorer's map is drawn, when the page is idle:
 * the first sheet opened does not wait for it. Before printing, every chart is drawn. */
(() => {
  const PLACEHOLDER = '.panel-graph-lazy';
  const plots = new Map();  // placeholder id -> its plot element, kept across redraws
  let loading = null;

  const plotly = () => {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!loading) {
      loading = new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = window._dashPlotlyJSURL;
        script.async = true;
        script.onload = () => resolve(window.Plotly);
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  };

  const warmOnceTheMapIsDrawn = () => {
    if (loading || window.Plotly || !window._dashPlotlyJSURL || !document.querySelector('#panel')
        || !document.querySelector('.atlas-zone')) {
      return;
    }
    const idle = window.requestIdleCallback || ((run) => setTimeout(run, 1000));
    loading = new Promise((resolve, reject) => idle(() => {
      loading = null;
      plotly().then(resolve, reject);
    }, {timeout: 3000}));
  };

  const draw = (node) => {
    const props = node.dataset.graph;
    const plot = plots.get(node.id) || document.createElement('div');
    if (node.atlasDrawn === props && plot.parentNode === node) return;
    node.atlasDrawn = props;
    plots.set(node.id, plot);
    const graph = JSON.parse(props);
    plot.className = graph.className;
    plot.style.height = graph.style.height;
    if (plot.parentNode !== node) node.replaceChildren(plot);
    plotly().then((Plotly) => Plotly.react(
      plot, graph.figure.data, graph.figure.layout, {...graph.config, responsive: true},
    ));
  };

  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) draw(entry.target);
    }
  });

  // Printing (Ctrl+P) lays out the whole sheet: the charts not yet scrolled into view
  // are drawn first (synchronously once plotly.js is loaded, as it is after the map).
  window.addEventListener('beforeprint', () => {
    document.querySelectorAll(PLACEHOLDER).forEach(draw);
  });

  // observing again reports at once whether the placeholder is in view
  const watch = (node) => {
    inView.unobserve(node);
    inView.observe(node);
  };

  new MutationObserver((mutations) => {
    warmOnceTheMapIsDrawn();
    for (const mutation of mutations) {
      if (mutation.type === 'attributes') {
        watch(mutation.target);
        continue;
      }
      for (const added of mutation.addedNodes) {
        if (added.nodeType !== Node.ELEMENT_NODE) continue;
        if (added.matches(PLACEHOLDER)) watch(added);
        added.querySelectorAll(PLACEHOLDER).forEach(watch);
      }
    }
  }).observe(document.documentElement, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-graph'],
  });
})();
