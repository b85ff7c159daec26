/* The sheet's charts drawn when they come into view (layouts/panel_common.lazy_graph).
 *
 * A placeholder holds its chart's props in `data-graph`; once it is in view (or when its
 * props change while in view) its child becomes that dcc.Graph, through Dash's
 * `set_props`. A sheet thus shows without waiting for the charts below the fold, and a
 * chart whose props did not change is not drawn again.
 *
 * plotly.js (3.5 MB, loaded by dcc.Graph when a first chart is drawn) is loaded once the
 * explorer's map is drawn, when the page is idle: the first sheet opened does not wait
 * for it. */
(() => {
  const PLACEHOLDER = '.panel-graph-lazy';
  let warming = false;

  const warm = () => {
    if (window.Plotly || !window._dashPlotlyJSURL) return;
    const script = document.createElement('script');
    script.src = window._dashPlotlyJSURL;
    script.async = true;
    document.head.appendChild(script);
  };

  const warmOnceTheMapIsDrawn = () => {
    if (warming || !document.querySelector('#panel') || !document.querySelector('.atlas-zone')) {
      return;
    }
    warming = true;
    const idle = window.requestIdleCallback || ((run) => setTimeout(run, 1000));
    idle(warm, {timeout: 3000});
  };

  const draw = (node) => {
    const props = node.dataset.graph;
    const drawn = node.atlasDrawn === props && node.firstElementChild !== null;
    if (drawn || !window.dash_clientside || !window.dash_clientside.set_props) return;
    node.atlasDrawn = props;
    window.dash_clientside.set_props(JSON.parse(node.id), {
      children: {type: 'Graph', namespace: 'dash_core_components', props: JSON.parse(props)},
    });
  };

  const inView = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) draw(entry.target);
    }
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
