// The report form's map: tap or use GPS to pin the place, see similar open reports nearby,
// get category suggestions as you type. Everything else works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("report-form");
  var el = document.getElementById("pick-map");
  if (!form || !el || typeof L === "undefined") return;
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  var nearbyBox = document.getElementById("nearby");
  var map = L.map(el, { tap: true });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  map.setView([13.7563, 100.5018], 11);
  fetch("/api/v1/districts.geojson").then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, {
      style: { color: "#0b5394", weight: 1, fillOpacity: 0.03 },
      interactive: false,
    }).addTo(map);
    el.dataset.boundaries = "1";
  }).catch(function () {});
  var marker = null;

  function showNearby() {
    if (!lat.value || !lon.value) return;
    var url = el.dataset.nearbyUrl + "?lat=" + encodeURIComponent(lat.value) + "&lon=" + encodeURIComponent(lon.value);
    fetch(url, { headers: { "X-Requested-With": "fetch" } })
      .then(function (r) { return r.text(); })
      .then(function (html) { nearbyBox.innerHTML = html; });
  }

  function pin(latlng, zoom) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
    if (zoom) map.setView(latlng, Math.max(map.getZoom(), 16));
    el.dataset.pinned = "1";
    showNearby();
  }

  if (lat.value && lon.value && !isNaN(parseFloat(lat.value))) {
    pin(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), true);
  }
  map.on("click", function (e) { pin(e.latlng, false); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) pin(L.latLng(a, b), true);
    });
  });

  var gps = document.getElementById("use-gps");
  if (gps && navigator.geolocation) {
    gps.hidden = false;
    gps.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        pin(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
      });
    });
  }

  // Category suggestions from the description.
  var text = form.querySelector("[name=description]");
  var timer = null;
  var hint = document.createElement("p");
  hint.className = "suggestions muted";
  hint.setAttribute("aria-live", "polite");
  text.parentNode.appendChild(hint);
  text.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (text.value.trim().length < 4) { hint.textContent = ""; return; }
      fetch("/api/v1/categories/suggest?text=" + encodeURIComponent(text.value))
        .then(function (r) { return r.json(); })
        .then(function (data) {
          hint.textContent = "";
          data.items.forEach(function (item) {
            var box = form.querySelector("[name=categories][value='" + item.id + "']");
            if (!box) return;
            var b = document.createElement("button");
            b.type = "button";
            b.className = "chip";
            b.textContent = "+ " + item.name;
            b.addEventListener("click", function () { box.checked = true; b.remove(); });
            hint.appendChild(b);
          });
        });
    }, 400);
  });

  // Double-click safe: one submission per form.
  form.addEventListener("submit", function (e) {
    if (e.submitter && e.submitter.name === "check") return;
    if (form.dataset.sending) { e.preventDefault(); return; }
    form.dataset.sending = "1";
    var send = document.getElementById("send");
    if (send) send.setAttribute("aria-busy", "true");
  });
})();
