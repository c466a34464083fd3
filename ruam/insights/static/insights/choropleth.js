// Shades the districts on a comparison's map by the figure the table is sorted by. Boundaries
// come from the API (cached by the browser); the shades and labels from the page, which says
// the same in its table.
(function () {
  "use strict";
  var el = document.getElementById("compare-map");
  if (!el || typeof L === "undefined") return;
  var data = JSON.parse(document.getElementById(el.dataset.shades).textContent);
  var shades = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"];
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (shapes) {
    shapes.features = shapes.features.filter(function (f) { return data.places[f.properties.code]; });
    var layer = L.geoJSON(shapes, {
      style: function (f) {
        var place = data.places[f.properties.code];
        var shade = place.shade;
        return { color: "#000000", weight: 1, fillOpacity: shade === null ? 0 : 0.85,
                 fillColor: shade === null ? "#ffffff" : shades[shade] };
      },
      onEachFeature: function (f, l) { l.bindTooltip(data.places[f.properties.code].label); }
    }).addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [4, 4] });
    el.dataset.ready = "1";
  });
})();
