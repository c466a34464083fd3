// The dashboard's hotspots: H3 hexagons shaded by how many reports each holds (5 classes, light
// to dark); the table below the map lists the same hexagons.
(function () {
  "use strict";
  var el = document.getElementById("hex-map");
  if (!el || typeof L === "undefined") return;
  var geo = JSON.parse(document.getElementById(el.dataset.hexes).textContent);
  var shades = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  var layer = L.geoJSON(geo, {
    style: function (f) {
      return { color: "#333333", weight: 0.5, fillOpacity: 0.8, fillColor: shades[f.properties.shade] };
    },
    onEachFeature: function (f, l) { l.bindTooltip(String(f.properties.n)); }
  }).addTo(map);
  if (geo.features.length) map.fitBounds(layer.getBounds(), { padding: [4, 4] });
  else map.setView([13.75, 100.55], 10);
  el.dataset.ready = "1";
})();
