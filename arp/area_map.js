// The area map: a Streamlit (components v2) element drawing classed polygons with Leaflet,
// in the page itself rather than an iframe, so it appears as soon as the page's data does.
//
// Geometry travels once: served by serve.py, as a file named by its id that the browser
// fetches and keeps (a return visit downloads none); else in the first message, with an id.
// This module keeps it, and later views (another indicator, other classes) send only
// classes, tooltips and legend. If the geometry is ever missing here, the map asks the
// server to send it in the message.
//
// Every string from the server is set as text (textContent), never as HTML: area names
// and workshop notes are untrusted.

const geometryCache = new Map(); // geometry id -> {geometries, codes}, most recent last
const GEOMETRY_CACHE_SIZE = 4;
window.arpGeometryCache = geometryCache; // reachable, so the browser tests can empty it
const maps = new WeakMap(); // parent element -> the Leaflet map drawn in it

function loadLeaflet(script, stylesheet) {
  if (window.L) return Promise.resolve(window.L);
  if (!window.arpLeafletLoading) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = stylesheet;
    document.head.appendChild(link);
    window.arpLeafletLoading = new Promise((resolve, reject) => {
      const tag = document.createElement("script");
      tag.src = script;
      tag.onload = () => resolve(window.L);
      tag.onerror = () => reject(new Error(`Leaflet could not load from ${script}`));
      document.head.appendChild(tag);
    });
  }
  return window.arpLeafletLoading;
}

// Polygons -> rings -> delta-encoded integer coordinates (see arp/maps.py).
function decodeGeometry(encoded, scale) {
  return encoded.map((polygons) => ({
    type: "MultiPolygon",
    coordinates: polygons.map((rings) =>
      rings.map((ring) => {
        const out = [];
        let x = 0;
        let y = 0;
        for (let i = 0; i < ring.length; i += 2) {
          x += ring[i];
          y += ring[i + 1];
          out.push([x / scale, y / scale]);
        }
        return out;
      }),
    ),
  }));
}

function rememberGeometry(id, geometry) {
  geometryCache.delete(id);
  geometryCache.set(id, geometry);
  while (geometryCache.size > GEOMETRY_CACHE_SIZE) {
    geometryCache.delete(geometryCache.keys().next().value);
  }
}

const geometryLoading = new Map(); // geometry id -> its file, while it is fetched

// A geometry file (serve.py: arp/web.py) is named by its id and cached by the browser for a
// year, so a return visit reads it from the disk cache. Null when it cannot be had: the
// caller then asks the server to send the geometry in its message instead.
function fetchGeometry(layer, scale) {
  if (!geometryLoading.has(layer.geometry_id)) {
    const loading = fetch(layer.url)
      .then((response) => {
        if (!response.ok) throw new Error(`geometry file: HTTP ${response.status}`);
        return response.json();
      })
      .then((file) => {
        const held = {
          geometries: decodeGeometry(file.geometry, scale),
          codes: file.codes,
          labels: file.labels,
        };
        rememberGeometry(layer.geometry_id, held);
        return held;
      })
      .catch(() => null)
      .finally(() => geometryLoading.delete(layer.geometry_id));
    geometryLoading.set(layer.geometry_id, loading);
  }
  return geometryLoading.get(layer.geometry_id);
}

// The geometry of a layer: sent in the message, held here already, or fetched from its file.
function geometryFor(layer, scale) {
  if (!layer) return Promise.resolve(null);
  if (layer.geometry) {
    const geometries = decodeGeometry(layer.geometry, scale);
    rememberGeometry(layer.geometry_id, {
      geometries: geometries,
      codes: layer.codes,
      labels: layer.labels,
    });
  }
  const held = geometryCache.get(layer.geometry_id);
  if (held || !layer.url) return Promise.resolve(held || null);
  return fetchGeometry(layer, scale);
}

// An area's tooltip: its labels (name, code), kept with the geometry, then the view's
// lines, where a number stands for a line the view shares between areas.
function tooltipLines(state, i) {
  const labels = (state.labels && state.labels[i]) || [];
  const own = (state.view.tooltips[i] || []).map((line) =>
    typeof line === "number" ? state.view.lines[line] : line,
  );
  return labels.concat(own);
}

function textBox(lines, className) {
  const box = document.createElement("div");
  if (className) box.className = className;
  lines.forEach((line, n) => {
    const row = document.createElement(n === 0 ? "strong" : "div");
    row.textContent = line;
    box.appendChild(row);
  });
  return box;
}

function asHtmlText(text) {
  const holder = document.createElement("span");
  holder.textContent = text;
  return holder.innerHTML;
}

function legendBox(legend) {
  const box = document.createElement("div");
  box.className = "arp-legend";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", `Legend: ${legend.title}`);
  const line = (className, text) => {
    const element = document.createElement("div");
    element.className = className;
    element.textContent = text;
    box.appendChild(element);
  };
  const swatchRow = (colour, label, extraClass) => {
    const row = document.createElement("div");
    row.className = "arp-legend-row";
    const swatch = document.createElement("span");
    swatch.className = `arp-swatch ${extraClass || ""}`;
    if (colour) swatch.style.background = colour;
    row.appendChild(swatch);
    row.appendChild(document.createTextNode(label));
    box.appendChild(row);
  };
  line("arp-legend-title", legend.title);
  line("arp-legend-unit", legend.unit);
  legend.rows.forEach(([colour, label]) => swatchRow(colour, label));
  swatchRow(null, "Suppressed or no data", "arp-no-data");
  line("arp-legend-source", legend.footer);
  return box;
}

function areaStyle(view, index) {
  const c = view.classes[index];
  return {
    fillColor: c >= 0 ? view.palette[c] : view.no_data,
    fillOpacity: c >= 0 ? 0.78 : 0.5,
    color: "#4d4d4d",
    weight: view.weight,
    dashArray: c >= 0 ? null : "3 3",
  };
}

function drawAreas(L, state, areas, held) {
  if (state.areas && state.areasId === areas.geometry_id) {
    state.areas.setStyle((feature) => areaStyle(state.view, feature.properties.i));
    return false;
  }
  if (state.areas) state.areas.remove();
  const collection = {
    type: "FeatureCollection",
    features: held.geometries.map((geometry, i) => ({
      type: "Feature",
      properties: { i: i },
      geometry: geometry,
    })),
  };
  state.codes = held.codes;
  state.labels = held.labels;
  state.areas = L.geoJSON(collection, {
    renderer: state.areaRenderer,
    style: (feature) => areaStyle(state.view, feature.properties.i),
    onEachFeature: (feature, shape) => {
      const i = feature.properties.i;
      shape.bindTooltip(() => textBox(tooltipLines(state, i), "arp-tooltip"), {
        sticky: true,
      });
      shape.on("click", () => state.send("clicked", state.codes[i]));
    },
  }).addTo(state.map);
  state.areasId = areas.geometry_id;
  return true;
}

function drawOutlines(L, state, outlines, held) {
  if (!outlines) {
    if (state.outlines) state.outlines.remove();
    state.outlines = null;
    state.outlinesId = null;
    return;
  }
  if (state.outlines && state.outlinesId === outlines.geometry_id) return;
  if (!held) return state.send("missing_geometry", outlines.geometry_id);
  if (state.outlines) state.outlines.remove();
  const features = held.geometries.map((g) => ({ type: "Feature", geometry: g }));
  state.outlines = L.geoJSON(
    { type: "FeatureCollection", features: features },
    {
      renderer: state.areaRenderer,
      interactive: false,
      style: { fill: false, color: "#1a1a1a", weight: 1.6 },
    },
  ).addTo(state.map);
  state.outlinesId = outlines.geometry_id;
}

function drawOverlays(L, state, overlays) {
  state.overlays.forEach((layer) => layer.remove());
  if (state.layerControl) state.layerControl.remove();
  state.overlays = [];
  const named = {};
  overlays.forEach((overlay) => {
    const group = L.layerGroup();
    overlay.points.forEach(([lat, lon, radius, label]) => {
      L.circleMarker([lat, lon], {
        renderer: state.pointRenderer,
        radius: radius,
        color: overlay.edge,
        weight: 1,
        fillColor: overlay.fill,
        fillOpacity: 0.85,
      })
        .bindTooltip(() => textBox([label]))
        .addTo(group);
    });
    group.addTo(state.map);
    state.overlays.push(group);
    named[asHtmlText(overlay.name)] = group; // Leaflet's layer control reads names as HTML
  });
  const bases = state.tiles ? { "Street map": state.tiles } : {};
  if (overlays.length || state.tiles) {
    state.layerControl = L.control.layers(bases, named, { collapsed: true }).addTo(state.map);
  } else {
    state.layerControl = null;
  }
}

function setTiles(L, state, tiles) {
  if (tiles && !state.tiles) {
    // Without internet the tiles fail quietly and the polygons stay on white.
    state.tiles = L.tileLayer(tiles.url, { attribution: tiles.attribution, maxZoom: 19 });
    state.tiles.addTo(state.map);
  } else if (!tiles && state.tiles) {
    state.tiles.remove();
    state.tiles = null;
  }
}

function focusArea(state, spec, geometryChanged) {
  const code = spec.focus;
  const fromLink = !state.placed && spec.start_view;
  if (fromLink) {
    // A copied link: open where its sender left the map.
    const [latitude, longitude, zoom] = spec.start_view;
    state.map.setView([latitude, longitude], zoom);
    state.focused = code;
  }
  let focused = null;
  if (code && state.areas) {
    state.areas.eachLayer((shape) => {
      if (state.codes[shape.feature.properties.i] === code) focused = shape;
    });
  }
  if (focused) {
    focused.setStyle({ weight: 4, color: "#000000", dashArray: null });
    focused.bringToFront();
    if (state.focused !== code) state.map.fitBounds(focused.getBounds(), { maxZoom: 14 });
  } else if (geometryChanged && !fromLink && state.areas) {
    // Keep the areas clear of the legend (bottom right): beside it on a wide map, above it
    // on a phone.
    const legend = state.legend.getContainer();
    const wide = state.container.offsetWidth >= 3 * legend.offsetWidth;
    const padding = wide ? [legend.offsetWidth + 10, 0] : [0, legend.offsetHeight + 10];
    state.map.fitBounds(state.areas.getBounds(), { paddingBottomRight: padding });
  }
  state.placed = true;
  state.focused = code;
}

// The map's centre and zoom in the page's URL, so a copied link reopens this very view.
// Written in place (no reload, no rerun): the server reads it when a link is opened.
function viewParam(map) {
  const centre = map.getCenter();
  return `${centre.lat.toFixed(5)},${centre.lng.toFixed(5)},${Math.round(map.getZoom())}`;
}

function withView(url) {
  const state = window.arpUrlMap;
  if (!url || !state || !state.container.isConnected) return url;
  const next = new URL(url, window.location.href);
  if (next.pathname !== window.location.pathname) return url; // another page: leave it
  next.searchParams.set("map", viewParam(state.map));
  return next.toString();
}

function keepViewInUrl(state) {
  window.arpUrlMap = state;
  if (!window.arpHistoryWrapped) {
    // Streamlit rewrites the query string from the server's view, which has not seen the
    // map move: each rewrite of this page's URL keeps the map's view in it.
    for (const name of ["replaceState", "pushState"]) {
      const original = window.history[name].bind(window.history);
      window.history[name] = (data, unused, url) => original(data, unused, withView(url));
    }
    window.arpHistoryWrapped = true;
  }
  window.history.replaceState(window.history.state, "", window.location.href);
}

function setUp(L, parentElement, spec) {
  const container = document.createElement("div");
  container.className = "arp-map";
  container.style.height = `${spec.height}px`;
  container.setAttribute("role", "region");
  container.setAttribute("aria-label", spec.label);
  parentElement.appendChild(container);
  const map = L.map(container, { zoomControl: true, attributionControl: true });
  L.control.scale({ imperial: false }).addTo(map);
  const legend = L.control({ position: "bottomright" });
  legend.onAdd = () => L.DomUtil.create("div", "arp-legend-holder");
  legend.addTo(map);
  const state = {
    map: map,
    container: container,
    legend: legend,
    areaRenderer: spec.canvas ? L.canvas({ padding: 0.2 }) : L.svg(),
    pointRenderer: L.svg(),
    overlays: [],
    tiles: null,
    layerControl: null,
  };
  if (spec.view_in_url) map.on("moveend", () => keepViewInUrl(state));
  maps.set(parentElement, state);
  return state;
}

function draw(L, component, held, outlines) {
  const { data: spec, parentElement } = component;
  if (parentElement.arpLatest !== spec) return; // a newer view arrived while this one loaded
  const state = maps.get(parentElement) || setUp(L, parentElement, spec);
  state.send = component.setTriggerValue;
  state.container.style.height = `${spec.height}px`;
  state.container.setAttribute("aria-label", spec.label);
  if (!held) {
    // Sent earlier in this session but not held here, or its file unreachable: ask for it
    // in the message.
    state.send("missing_geometry", spec.areas.geometry_id);
    return;
  }
  state.view = spec.view;
  setTiles(L, state, spec.tiles);
  const geometryChanged = drawAreas(L, state, spec.areas, held);
  drawOutlines(L, state, spec.outlines, outlines);
  drawOverlays(L, state, spec.overlays || []);
  const holder = state.legend.getContainer();
  holder.replaceChildren(legendBox(spec.legend));
  focusArea(state, spec, geometryChanged);
  if (spec.view_in_url) keepViewInUrl(state);
  if (geometryChanged) state.map.invalidateSize();
  // For tests and benchmarks: what is drawn, whatever the renderer.
  state.container.dataset.areas = String(held.geometries.length);
  state.container.dataset.view = spec.view.id;
}

export default function (component) {
  const { data: spec, parentElement } = component;
  parentElement.arpLatest = spec;
  // Leaflet and the geometry files load side by side.
  Promise.all([
    loadLeaflet(spec.leaflet.script, spec.leaflet.stylesheet),
    geometryFor(spec.areas, spec.scale),
    geometryFor(spec.outlines, spec.scale),
  ])
    .then(([L, held, outlines]) => draw(L, component, held, outlines))
    .catch((error) => {
      const message = document.createElement("p");
      message.className = "arp-map-error";
      message.textContent = `The map could not be drawn: ${error.message}. The table below has the same values.`;
      parentElement.replaceChildren(message);
    });
}
