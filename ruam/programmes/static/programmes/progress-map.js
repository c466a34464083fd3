// Colours Bangkok's districts by a programme's progress: the simplified boundaries come from
// the API (cached by the browser), the figures from the page; the table beside it says the same.
(function () {
  "use strict";
  var el = document.getElementById("progress-map");
  if (!el || typeof L === "undefined") return;
  var data = JSON.parse(document.getElementById(el.dataset.figures).textContent);
  var figures = data.districts, points = data.points || [];
  var colours = ["#f6c6c0", "#f3d98b", "#a9d8a5", "#3f9e4d"];
  function colour(p) {
    if (p === null || p === undefined) return "#d0d7de";
    return colours[Math.min(3, Math.floor(p * 4))];
  }
  var map = L.map(el, { scrollWheelZoom: false });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  fetch(el.dataset.boundaries).then(function (r) { return r.json(); }).then(function (shapes) {
    var layer = L.geoJSON(shapes, {
      style: function (f) {
        var row = figures[f.properties.code];
        return { color: "#0b5394", weight: 1, fillOpacity: row ? 0.75 : 0.15,
                 fillColor: row ? colour(row.progress) : "#ffffff" };
      },
      onEachFeature: function (f, l) {
        var row = figures[f.properties.code];
        if (row) l.bindTooltip(row.label);
      }
    }).addTo(map);
    points.forEach(function (p) {
      L.circleMarker([p[0], p[1]], { radius: 5, color: "#0b5394", weight: 2, fillColor: "#ffffff", fillOpacity: 1 })
        .bindTooltip(p[2]).addTo(map);
    });
    map.fitBounds(layer.getBounds(), { padding: [4, 4] });
    el.dataset.ready = "1";
  });
})();
