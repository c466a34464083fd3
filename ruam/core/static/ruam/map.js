// Draws the GeoJSON geometry named by a .map element's data-geometry on a Leaflet map.
(function () {
  "use strict";
  document.querySelectorAll(".map[data-geometry]").forEach(function (el) {
    if (el.dataset.ready) return;
    var source = document.getElementById(el.dataset.geometry);
    if (!source || typeof L === "undefined") return;
    var geometry = JSON.parse(source.textContent);
    var map = L.map(el, { scrollWheelZoom: false });
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
    }
    var layer = L.geoJSON(geometry, { style: { color: "#0b5394", weight: 2, fillOpacity: 0.08 } });
    layer.addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [8, 8], maxZoom: 17 });
    el.dataset.ready = "1";
  });
})();
