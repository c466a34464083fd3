// Draws the GeoJSON geometry named by a .map element's data-geometry on a Leaflet map. A point
// (a report, an issue) is shown among the district and แขวง outlines with their names, drawn
// from Ruam's own data, so the place can be read even when no tiles load.
(function () {
  "use strict";
  var en = document.documentElement.lang === "en";

  function name(p) { return (en && p.name_en) || p.name_th; }

  function outlines(map, url, className, style) {
    fetch(url).then(function (r) { return r.json(); }).then(function (data) {
      L.geoJSON(data, {
        style: style,
        interactive: false,
        onEachFeature: function (feature, layer) {
          layer.bindTooltip(name(feature.properties), {
            permanent: true, direction: "center", className: "place-label " + className
          });
        }
      }).addTo(map);
    }).catch(function () {});
  }

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
    var point = geometry && geometry.type === "Point";
    if (point) {
      map.setView(layer.getBounds().getCenter(), 13);
      outlines(map, "/api/v1/districts.geojson", "district-label",
        { color: "#0b5394", weight: 1.5, fill: false });
      outlines(map, "/api/v1/subdistricts.geojson", "subdistrict-label",
        { color: "#57606a", weight: 1, dashArray: "4 3", fill: false });
      var labels = function () {
        var z = map.getZoom();
        el.classList.toggle("labels-district", z >= 11 && z < 13);
        el.classList.toggle("labels-subdistrict", z >= 13);
      };
      map.on("zoomend", labels);
      labels();
    } else {
      map.fitBounds(layer.getBounds(), { padding: [8, 8], maxZoom: 17 });
    }
    el.dataset.ready = "1";
  });
})();
