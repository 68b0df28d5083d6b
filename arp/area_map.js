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
// The map's own words, in the page's language (arp/ui/map_element.map_words); a page has
// one language, so the latest spec's words serve every map on it.
const DEFAULT_WORDS = {
  no_data: "Suppressed or no data",
  close: "Close",
  skip: "Skip to the table",
  street_map: "Street map",
  list_label: "Choose an area from a list",
  list_hint: "Arrow keys move through the areas; Enter: {action}.",
  list_first: "Every area, by name",
};
let words = DEFAULT_WORDS;

function loadLeaflet(script, stylesheet) {
  if (!window.arpLeafletLoading) {
    // Both the script and its stylesheet: a map set up before Leaflet's CSS applies has
    // its controls laid out as full-width blocks, and a fit beside that legend lands at
    // the deepest zoom, off the areas (issue 14's first-fit race).
    window.arpLeafletLoading = Promise.all([
      loaded("link", { rel: "stylesheet", href: stylesheet }, "stylesheet", stylesheet),
      window.L ? null : loaded("script", { src: script }, "script", script),
    ]).then(
      () => window.L,
      (error) => {
        window.arpLeafletLoading = null; // the next draw tries again
        throw error;
      },
    );
  }
  return window.arpLeafletLoading;
}

function loaded(tagName, attributes, what, url) {
  return new Promise((resolve, reject) => {
    const tag = document.createElement(tagName);
    tag.onload = resolve;
    tag.onerror = () => reject(new Error(`Leaflet's ${what} could not load from ${url}`));
    Object.assign(tag, attributes);
    document.head.appendChild(tag);
  });
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

// A tooltip wraps within half the map (less its own offset), so on a phone a long line
// (a ward's full name, a 95% interval) stays on the map instead of running off its edge.
function tooltipBox(state, i) {
  const box = textBox(tooltipLines(state, i), "arp-tooltip");
  box.style.maxWidth = `${Math.max(140, state.map.getSize().x / 2 - 40)}px`;
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
  if (legend.unit) line("arp-legend-unit", legend.unit);
  legend.rows.forEach(([colour, label]) => swatchRow(colour, label));
  if (legend.no_data !== false) swatchRow(null, words.no_data, "arp-no-data");
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
      // Opaque: the names the app draws on the map would show through and mix with its words.
      shape.bindTooltip(() => tooltipBox(state, i), { sticky: true, opacity: 1 });
      shape.on("click", (event) => areaTapped(state, shape, i, event));
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
  const bases = state.tiles ? { [asHtmlText(words.street_map)]: state.tiles } : {};
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

// The map's own moves are made at once. An animated fit still running when the next move
// lands (the picker zooming in for 44 px targets) ends by setting its own zoom back.
const AT_ONCE = { animate: false };

// Leaflet drops a view change asked for while a zoom animation runs (its issues 1289 and
// 3249), so a fit that follows a double tap or a pinch would be lost, leaving no area in
// view. Such moves wait for the zoom to end, then run in the order they were asked for.
function whenStill(state, move) {
  if (state.zooming) state.afterZoom.push(move);
  else move();
}

function watchZoom(state) {
  state.zooming = false;
  state.afterZoom = [];
  state.map.on("zoomanim", () => (state.zooming = true));
  state.map.on("zoomend", () => {
    state.zooming = false;
    const moves = state.afterZoom;
    state.afterZoom = [];
    moves.forEach((move) => move());
  });
}

// Fit the areas (or the candidates the page names) clear of the legend: beside it on a
// wide map; on a narrow one the legend sits below the map. A map that must keep tap
// targets large (the place picker) is then zoomed in until its smallest area is.
function fitAreas(state) {
  // A map with no size (its page still laying out, after a rerun) cannot be fitted: the
  // areas would land in a corner, under 1 px. Fit once it has one (watchSize).
  if (!state.container.offsetWidth || !state.container.offsetHeight) {
    state.fitPending = true;
    return;
  }
  if (state.zooming) return whenStill(state, () => fitAreas(state));
  state.fitPending = false;
  state.map.invalidateSize();
  const legend = state.legend.getContainer();
  // A legend wider than half the map is not laid out as one (no stylesheet yet): fitting
  // beside it would leave no room, and Leaflet then picks its deepest zoom.
  const beside = legend.offsetWidth > 0 && legend.offsetWidth < state.container.offsetWidth / 2;
  const padding = beside ? [legend.offsetWidth + 10, 0] : [0, 0];
  const bounds = candidateBounds(state) || state.areas.getBounds();
  state.map.fitBounds(bounds, { ...AT_ONCE, paddingBottomRight: padding, maxZoom: 16 });
  const zoom = tapTargetZoom(state);
  if (zoom !== null && zoom > state.map.getZoom()) {
    state.map.setView(bounds.getCenter(), zoom, AT_ONCE);
    centreOnWholeTarget(state);
  }
}

const FOCUS_STYLE = { weight: 4, color: "#000000", dashArray: null };
const SHOWN_STYLE = { weight: 3, color: "#000000", dashArray: null }; // the listed, previewed

// An area back to how the page asked it drawn: its class colour, a search match's fill,
// and the outline of the place chosen or the match chosen in the page's list.
function restyle(state, shape) {
  state.areas.resetStyle(shape);
  if (state.candidates && state.candidates.has(state.codes[shape.feature.properties.i])) {
    shape.setStyle(CANDIDATE_STYLE);
  }
  if (shape === state.focusedShape || shape === state.marked) shape.setStyle(FOCUS_STYLE);
}

function fitFocused(state, shape) {
  whenStill(state, () => state.map.fitBounds(shape.getBounds(), { ...AT_ONCE, maxZoom: 14 }));
}

function focusArea(state, spec, geometryChanged) {
  const code = spec.focus;
  const fromLink = !state.placed && spec.start_view;
  if (fromLink) {
    // A copied link: open where its sender left the map.
    const [latitude, longitude, zoom] = spec.start_view;
    whenStill(state, () => state.map.setView([latitude, longitude], zoom, AT_ONCE));
    state.focused = code;
    state.viewFromLink = true; // a later resize keeps the sender's view, not a refit
  }
  let focused = null;
  if (code && state.areas) {
    state.areas.eachLayer((shape) => {
      if (state.codes[shape.feature.properties.i] === code) focused = shape;
    });
  }
  if (focused) {
    focused.setStyle(FOCUS_STYLE);
    focused.bringToFront();
    if (state.focused !== code) fitFocused(state, focused);
  } else if (geometryChanged && !fromLink && state.areas) {
    fitAreas(state);
  }
  state.placed = true;
  state.focused = code;
  state.focusedShape = focused;
}

// --- touch, labels, legend placement and size (issue 14) ---------------------------------

const NARROW_MAP = 600; // px: below this the legend goes under the map, never over its areas
const CANDIDATE_STYLE = { weight: 3, color: "#7f2704", fillColor: "#fdae6b", fillOpacity: 0.85 };

// A mouse click does what the page asks (open a profile, choose a place). A tap on a touch
// screen first shows a card that can be read, with a button for that same action.
function areaTapped(state, shape, i) {
  if (state.pointer === "touch" && state.spec && state.spec.preview) {
    shape.closeTooltip();
    showPreview(state, shape, i);
  } else {
    state.send("clicked", state.codes[i]);
  }
}

function hidePreview(state) {
  if (!state.card) return;
  state.card.hidden = true;
  if (state.previewed) {
    const shape = state.previewed;
    state.previewed = null;
    restyle(state, shape);
  }
}

function showPreview(state, shape, i) {
  if (!state.card) {
    state.card = document.createElement("div");
    state.card.className = "arp-card";
    state.card.setAttribute("role", "dialog");
    window.L.DomEvent.disableClickPropagation(state.card);
    // Leaflet makes a double tap of any two taps on the map within 200 ms, the card's too:
    // tapping an area, then at once the card's button, zoomed the map under the card.
    window.L.DomEvent.on(state.card, "click", window.L.DomEvent.stopPropagation);
    window.L.DomEvent.disableScrollPropagation(state.card);
    state.container.appendChild(state.card);
  }
  hidePreview(state);
  const lines = tooltipLines(state, i);
  const code = state.codes[i];
  const close = document.createElement("button");
  close.type = "button";
  close.className = "arp-card-close";
  close.setAttribute("aria-label", words.close);
  close.textContent = "\u00d7";
  close.addEventListener("click", () => hidePreview(state));
  const action = document.createElement("button");
  action.type = "button";
  action.className = "arp-card-action";
  action.textContent = state.spec.preview.action;
  action.addEventListener("click", () => {
    hidePreview(state);
    state.send("clicked", code);
  });
  state.card.setAttribute("aria-label", lines[0] || code);
  state.card.dataset.code = code;
  state.card.replaceChildren(close, textBox(lines, "arp-card-text"), action);
  state.card.hidden = false;
  shape.setStyle(SHOWN_STYLE);
  shape.bringToFront();
  state.previewed = shape;
}

// Names drawn by the app (no tiles needed): one marker per label, shown by zoom and only
// where it does not overlap a label placed before it (the server orders them by priority).
function drawLabels(L, state, labels) {
  const key = labels.id || "";
  if (state.placeLabelsId === key) return;
  state.placeLabels.forEach((label) => label.marker.remove());
  state.placeLabels = [];
  state.placeLabelsId = key;
  if (!labels.items) return;
  if (!state.map.getPane("arpLabels")) {
    const pane = state.map.createPane("arpLabels");
    pane.style.zIndex = 450; // above the areas, below tooltips and popups
    pane.style.pointerEvents = "none"; // taps go through to the areas
  }
  labels.items.forEach(([latitude, longitude, text, tierIndex]) => {
    const tier = labels.tiers[tierIndex];
    const name = document.createElement("span");
    name.textContent = text;
    const marker = L.marker([latitude, longitude], {
      icon: L.divIcon({ className: `arp-label ${tier.class_name}`, iconSize: null }),
      interactive: false,
      keyboard: false,
      pane: "arpLabels",
    });
    // The name goes in as a text node (divIcon's own `html` option would parse markup).
    marker.on("add", () => marker.getElement().replaceChildren(name));
    marker.addTo(state.map);
    state.placeLabels.push({ marker: marker, latlng: marker.getLatLng(), tier: tier, size: null });
  });
}

function overlaps(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

// Where a name may go, in order: on its point (inside its area, shapely's representative
// point); else a little above, below, left or right of it, so that a neighbour's longer name
// (Sandwell between Birmingham and Dudley) does not leave an area unnamed.
function labelShifts(width, height) {
  return [
    [0, 0],
    [0, -height],
    [0, height],
    [-width / 3, 0],
    [width / 3, 0],
    [0, -2 * height],
    [0, 2 * height],
  ];
}

function positionLabels(state) {
  if (!state.placeLabels.length) return;
  const zoom = state.map.getZoom();
  const view = state.map.getBounds();
  const mapSize = state.map.getSize();
  const placed = [];
  state.placeLabels.forEach((label) => {
    const element = label.marker.getElement();
    if (!element) return;
    let shown =
      zoom >= label.tier.min_zoom && zoom < label.tier.max_zoom && view.contains(label.latlng);
    if (shown) {
      element.style.display = "";
      if (!label.size) {
        const name = element.firstChild;
        if (name.offsetWidth) label.size = [name.offsetWidth, name.offsetHeight];
      }
      const [width, height] = label.size || [0, 0];
      const at = state.map.latLngToContainerPoint(label.latlng);
      const shift = labelShifts(width, height).find(([dx, dy]) => {
        const left = at.x + dx - width / 2 - 3;
        const top = at.y + dy - height / 2;
        const box = [left, top, left + width + 6, top + height];
        // A name the map's edge would cut ("& Jewellery Quarter") shows once dragged in.
        const inside = box[0] >= 0 && box[1] >= 0 && box[2] <= mapSize.x && box[3] <= mapSize.y;
        if (!inside || placed.some((other) => overlaps(other, box))) return false;
        placed.push(box);
        return true;
      });
      shown = shift !== undefined;
      const [dx, dy] = shift || [0, 0];
      element.firstChild.style.transform =
        dx || dy ? `translate(calc(-50% + ${dx}px), calc(-50% + ${dy}px))` : "";
    }
    element.style.display = shown ? "" : "none";
  });
  state.container.dataset.labels = String(placed.length);
}

// Search candidates: outlined and filled apart, and the map fits them.
function showCandidates(state, codes) {
  const key = codes.join(",");
  const changed = key !== state.candidatesKey;
  state.candidatesKey = key;
  state.candidates = new Set(codes);
  if (state.areas && codes.length) {
    state.areas.eachLayer((shape) => {
      if (state.candidates.has(state.codes[shape.feature.properties.i])) {
        shape.setStyle(CANDIDATE_STYLE);
      }
    });
  }
  return changed && codes.length > 0;
}

// The search match chosen in the page's list of matches: outlined among the others, the
// view left where it is (the participant is comparing it with its neighbours).
function markArea(state, code) {
  const old = state.marked;
  if (old) {
    state.marked = null;
    if (old !== state.listed && old !== state.previewed) restyle(state, old);
  }
  if (!code || !state.areas) return;
  state.areas.eachLayer((shape) => {
    if (state.codes[shape.feature.properties.i] === code) state.marked = shape;
  });
  if (state.marked) {
    state.marked.setStyle(FOCUS_STYLE);
    state.marked.bringToFront();
  }
}

function candidateBounds(state) {
  let bounds = null;
  if (!state.candidates || !state.candidates.size) return null;
  state.areas.eachLayer((shape) => {
    if (!state.candidates.has(state.codes[shape.feature.properties.i])) return;
    bounds = bounds ? bounds.extend(shape.getBounds()) : window.L.latLngBounds(shape.getBounds());
  });
  return bounds;
}

// The areas whose tap targets count: the search candidates, if any, else every area.
function eachTarget(state, visit) {
  const only = state.candidates && state.candidates.size ? state.candidates : null;
  state.areas.eachLayer((shape) => {
    if (!only || only.has(state.codes[shape.feature.properties.i])) visit(shape);
  });
}

// The lowest zoom at which every area (every search candidate, if any) is at least
// spec.min_target_px across both ways (web Mercator doubles every size per zoom level), or
// null when the map asks for none.
function tapTargetZoom(state) {
  const wanted = state.spec && state.spec.min_target_px;
  if (!wanted || !state.areas) return null;
  const zoom = state.map.getZoom();
  let smallest = Infinity;
  eachTarget(state, (shape) => {
    const bounds = shape.getBounds();
    const a = state.map.project(bounds.getNorthWest(), zoom);
    const b = state.map.project(bounds.getSouthEast(), zoom);
    smallest = Math.min(smallest, Math.abs(b.x - a.x), Math.abs(b.y - a.y));
  });
  if (!isFinite(smallest) || smallest <= 0) return null;
  return Math.min(18, Math.ceil(zoom + Math.log2(wanted / smallest)));
}

// Zoomed in for its tap targets, the map's centre can fall where every area runs off an
// edge, so none can be seen whole: centre it on the area nearest the middle that fits.
function centreOnWholeTarget(state) {
  const view = state.map.getBounds();
  let whole = false;
  let nearest = null;
  let nearestDistance = Infinity;
  const size = state.map.getSize();
  const middle = state.map.getCenter();
  eachTarget(state, (shape) => {
    const bounds = shape.getBounds();
    if (view.contains(bounds)) whole = true;
    const a = state.map.latLngToContainerPoint(bounds.getNorthWest());
    const b = state.map.latLngToContainerPoint(bounds.getSouthEast());
    if (Math.abs(b.x - a.x) > size.x || Math.abs(b.y - a.y) > size.y) return;
    const distance = middle.distanceTo(bounds.getCenter());
    if (distance < nearestDistance) [nearest, nearestDistance] = [bounds, distance];
  });
  if (!whole && nearest) state.map.setView(nearest.getCenter(), state.map.getZoom(), AT_ONCE);
}

// The legend inside the map, bottom right, where the map is wide enough to keep the areas
// beside it; under the map otherwise.
function showLegend(state, legend) {
  const box = legendBox(legend);
  const narrow = state.container.offsetWidth < NARROW_MAP;
  state.legend.getContainer().replaceChildren(...(narrow ? [] : [box]));
  state.legendBelow.replaceChildren(...(narrow ? [box] : []));
  state.legendBelow.hidden = !narrow;
}

// A rotated phone, a resized window, an opened sidebar or the page settling its layout
// after the first draw: the map refits its areas (or the area in focus). Height-only
// changes (a phone's address bar sliding away) and a view opened from a link leave it be.

function watchSize(state) {
  let width = state.container.offsetWidth;
  let timer = null;
  const refit = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = state.container.offsetWidth;
      if (!state.container.isConnected || !now) return;
      if (now === width && !state.fitPending) return;
      width = now;
      state.map.invalidateSize();
      if (!state.spec || !state.areas) return;
      if (state.fitPending) {
        fitAreas(state);
        return;
      }
      showLegend(state, state.spec.legend);
      if (state.viewFromLink) return;
      if (state.focusedShape) {
        fitFocused(state, state.focusedShape);
      } else {
        fitAreas(state);
      }
    }, 150);
  };
  new ResizeObserver(refit).observe(state.container);
  window.addEventListener("orientationchange", refit);
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

// Keyboard (issue 16): the map is one tab stop (Leaflet's container: arrows pan, + and -
// zoom), so its zoom buttons and attribution links leave the tab order; the areas are
// never in it. A link before the map moves focus to the table under it, where one is.
const TABLE_UNDER_MAP = '[data-testid="stDataFrame"] [data-testid="data-grid-canvas"]';

function tableAfter(element) {
  return [...document.querySelectorAll(TABLE_UNDER_MAP)].find(
    (table) => element.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING,
  );
}

function skipLink(mapElement) {
  const link = document.createElement("a");
  link.className = "arp-skip-link";
  link.href = "#";
  link.textContent = "Skip to the table";
  link.hidden = true;
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const table = tableAfter(mapElement);
    if (!table) return;
    table.scrollIntoView({ block: "center" });
    table.focus();
  });
  return link;
}

// Keyboard users choose an area from a labelled list under the map (the map itself is one
// tab stop): moving through it outlines the area, brings it into view, shows its tooltip and
// announces it; Enter does what a click does.
function areaList(state) {
  const holder = document.createElement("div");
  holder.className = "arp-area-list";
  const select = document.createElement("select");
  select.id = `arp-area-list-${Math.random().toString(36).slice(2)}`;
  const label = document.createElement("label");
  label.htmlFor = select.id;
  const hint = document.createElement("span");
  hint.className = "arp-area-list-hint";
  hint.id = `${select.id}-hint`;
  select.setAttribute("aria-describedby", hint.id);
  const live = document.createElement("div");
  live.className = "arp-live";
  live.setAttribute("role", "status"); // polite: read after what the reader is saying
  select.addEventListener("change", () => showListed(state, true));
  select.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !select.value) return;
    event.preventDefault();
    state.send("clicked", select.value);
  });
  holder.append(label, select, hint, live);
  return { holder, label, hint, select, live, filledFor: null };
}

function fillAreaList(state) {
  const list = state.list;
  const action = (state.spec.preview && state.spec.preview.action) || "Open";
  list.label.textContent = words.list_label;
  list.hint.textContent = words.list_hint.replace("{action}", action.toLowerCase());
  if (list.select.options.length) list.select.options[0].textContent = words.list_first;
  if (list.filledFor === state.areasId) return;
  const chosen = list.select.value;
  // Named as its tooltip is: by its label, else by the view's first line (never a bare code
  // where the page gave a name).
  const named = state.codes.map((code, i) => [tooltipLines(state, i)[0] || code, i]);
  named.sort((a, b) => a[0].localeCompare(b[0], "en", { numeric: true }));
  list.select.replaceChildren(
    new Option(words.list_first, ""),
    ...named.map(([name, i]) => new Option(name, state.codes[i])),
  );
  list.select.value = state.codes.includes(chosen) ? chosen : "";
  list.filledFor = state.areasId;
}

// `chosenNow`: the list's own change (a rerun's restyle only outlines it again). On a touch
// screen a choice opens the area's card, as a tap does: a phone has no Enter key.
function showListed(state, chosenNow = false) {
  const code = state.list.select.value;
  if (state.listed) {
    const old = state.listed;
    state.listed = null;
    old.closeTooltip();
    restyle(state, old);
  }
  const i = state.codes.indexOf(code);
  if (!code || i < 0) {
    state.list.live.textContent = "";
    return;
  }
  let shape = null;
  state.areas.eachLayer((layer) => {
    if (layer.feature.properties.i === i) shape = layer;
  });
  if (!shape) return;
  const bounds = shape.getBounds();
  shape.setStyle(SHOWN_STYLE);
  shape.bringToFront();
  state.listed = shape;
  whenStill(state, () => {
    if (state.listed !== shape) return; // another area was chosen meanwhile
    if (!state.map.getBounds().contains(bounds)) {
      state.map.fitBounds(bounds, { ...AT_ONCE, maxZoom: Math.max(state.map.getZoom(), 11) });
    }
    if (state.pointer === "touch" && state.spec.preview) {
      if (chosenNow) showPreview(state, shape, i);
      return;
    }
    shape.openTooltip(bounds.getCenter());
    panIntoView(state, shape.getTooltip().getElement());
  });
  state.list.live.textContent = tooltipLines(state, i).join(". ");
}

// Pan the map just enough for an element drawn on it (an opened tooltip) to be read whole.
function panIntoView(state, element) {
  if (!element) return;
  const map = state.container.getBoundingClientRect();
  const box = element.getBoundingClientRect();
  const margin = 4;
  // Past one edge: move it in, but never so far that its opposite edge goes out instead.
  const shift = (start, end, low, high) => {
    if (start < low + margin) return start - low - margin;
    if (end > high - margin) return Math.min(end - high + margin, start - low - margin);
    return 0;
  };
  const dx = shift(box.left, box.right, map.left, map.right);
  const dy = shift(box.top, box.bottom, map.top, map.bottom);
  if (dx || dy) state.map.panBy([dx, dy], AT_ONCE);
}

function oneTabStop(container) {
  // Chromium puts every clickable SVG path in the tab order (1,722 stops at LSOA level).
  container.querySelectorAll("path.leaflet-interactive").forEach((path) =>
    path.setAttribute("tabindex", "-1"),
  );
  container.querySelectorAll(".leaflet-control-zoom a, .leaflet-control-attribution a").forEach(
    (link) => (link.tabIndex = -1),
  );
}

function setUp(L, parentElement, spec) {
  const skip = skipLink(parentElement);
  parentElement.appendChild(skip);
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
    placeLabels: [],
    pointer: "mouse",
    skip: skip,
  };
  oneTabStop(container);
  // A tap and a mouse click both arrive as "click" (a list's choice as "change"): the last
  // pointer on the map or its list says which it was.
  const notePointer = (event) => (state.pointer = event.pointerType);
  container.addEventListener("pointerdown", notePointer, { capture: true });
  const below = document.createElement("div");
  below.className = "arp-legend-below";
  parentElement.appendChild(below);
  state.legendBelow = below;
  state.list = areaList(state);
  parentElement.appendChild(state.list.holder);
  state.list.holder.addEventListener("pointerdown", notePointer, { capture: true });
  watchZoom(state);
  map.on("zoomend moveend", () => positionLabels(state));
  watchSize(state);
  if (spec.view_in_url) map.on("moveend", () => keepViewInUrl(state));
  maps.set(parentElement, state);
  return state;
}

function draw(L, component, held, outlines) {
  const { data: spec, parentElement } = component;
  words = { ...DEFAULT_WORDS, ...(spec.words || {}) };
  if (parentElement.arpLatest !== spec) return; // a newer view arrived while this one loaded
  const state = maps.get(parentElement) || setUp(L, parentElement, spec);
  state.send = component.setTriggerValue;
  state.container.style.height = `${spec.height}px`;
  state.container.setAttribute("aria-label", spec.label);
  state.skip.hidden = !spec.skip_to_table;
  state.skip.textContent = words.skip;
  parentElement.classList.toggle("arp-map-presenting", Boolean(spec.presenting));
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
  // Another view closes the card; the same one drawn again (a rerun) keeps it open.
  const before = state.spec;
  if (!before || before.view.id !== spec.view.id || before.areas.geometry_id !== spec.areas.geometry_id) {
    hidePreview(state);
  }
  state.spec = spec;
  showLegend(state, spec.legend);
  drawLabels(L, state, spec.place_labels || {});
  state.list.holder.hidden = Boolean(spec.presenting);
  if (geometryChanged) [state.listed, state.marked] = [null, null]; // gone with the old areas
  fillAreaList(state);
  if (!geometryChanged && state.list.select.value) showListed(state); // a restyle reset it
  const candidatesChanged = showCandidates(state, spec.candidates || []);
  focusArea(state, spec, geometryChanged || (candidatesChanged && !spec.focus));
  markArea(state, spec.marked);
  oneTabStop(state.container);
  positionLabels(state);
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
