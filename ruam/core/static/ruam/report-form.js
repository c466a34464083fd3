// The report form's map: tap, use GPS or pin the map's centre to place the report; the เขต and
// แขวง found are said under the map; similar open reports nearby and category suggestions
// as you type. District and แขวง outlines with their names come from Ruam itself, so the map
// is usable when tiles do not load (intranet, offline) or are not configured. Everything else
// works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var form = document.getElementById("report-form");
  var el = document.getElementById("pick-map");
  if (!form || !el || typeof L === "undefined") return;
  var lat = form.querySelector("[name=lat]");
  var lon = form.querySelector("[name=lon]");
  var nearbyBox = document.getElementById("nearby");
  var en = document.documentElement.lang === "en";
  var map = L.map(el, { tap: true });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: el.dataset.attribution }).addTo(map);
  }
  map.setView([13.7563, 100.5018], 11);
  var districts = {};
  var goTo = document.getElementById("map-district");

  function name(p) { return (en && p.name_en) || p.name_th; }

  function labelled(data, className, style) {
    return L.geoJSON(data, {
      style: style,
      interactive: false,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(name(feature.properties), {
          permanent: true, direction: "center", className: "place-label " + className
        });
      }
    });
  }

  // Names appear when there is room for them: districts from zoom 12, แขวง from 14.
  function showLabels() {
    var z = map.getZoom();
    el.classList.toggle("labels-district", z >= 12);
    el.classList.toggle("labels-subdistrict", z >= 14);
    if (z >= 13) loadSubdistricts();
  }

  fetch("/api/v1/districts.geojson").then(function (r) { return r.json(); }).then(function (data) {
    labelled(data, "district-label", { color: "#0b5394", weight: 1.5, fillOpacity: 0.03 }).addTo(map);
    data.features.forEach(function (f) { districts[f.properties.code] = f; });
    if (goTo) {
      data.features.slice().sort(function (a, b) {
        return name(a.properties).localeCompare(name(b.properties), en ? "en" : "th");
      }).forEach(function (f) {
        var option = document.createElement("option");
        option.value = f.properties.code;
        option.textContent = name(f.properties);
        goTo.appendChild(option);
      });
      goTo.closest(".map-go").hidden = false;
    }
    el.dataset.boundaries = "1";
  }).catch(function () {});

  var subdistrictsLoaded = false;
  function loadSubdistricts() {
    if (subdistrictsLoaded) return;
    subdistrictsLoaded = true;
    fetch("/api/v1/subdistricts.geojson").then(function (r) { return r.json(); }).then(function (data) {
      labelled(data, "subdistrict-label", {
        color: "#57606a", weight: 1, dashArray: "4 3", fill: false
      }).addTo(map);
    }).catch(function () { subdistrictsLoaded = false; });
  }
  map.on("zoomend", showLabels);
  showLabels();

  function zoomToDistrict(code) {
    var feature = districts[code];
    if (!feature) return;
    // Close enough to read the names: a large district fills the map past its edges.
    var bounds = L.geoJSON(feature).getBounds();
    map.setView(bounds.getCenter(), Math.max(map.getBoundsZoom(bounds), 12));
  }
  if (goTo) goTo.addEventListener("change", function () { zoomToDistrict(goTo.value); });
  var districtField = form.querySelector("[name=district]");
  if (districtField) {
    districtField.addEventListener("change", function () { zoomToDistrict(districtField.value); });
  }

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
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng, { keyboard: false }).addTo(map);
    if (zoom) map.setView(latlng, Math.max(map.getZoom(), 16));
    el.dataset.pinned = "1";
    showNearby();
  }

  if (lat.value && lon.value && !isNaN(parseFloat(lat.value))) {
    pin(L.latLng(parseFloat(lat.value), parseFloat(lon.value)), true);
  } else if (districtField && districtField.value) {
    zoomToDistrict(districtField.value);
  }
  map.on("click", function (e) { pin(e.latlng, false); });
  [lat, lon].forEach(function (input) {
    input.addEventListener("change", function () {
      var a = parseFloat(lat.value), b = parseFloat(lon.value);
      if (!isNaN(a) && !isNaN(b)) pin(L.latLng(a, b), true);
    });
  });

  // With the keyboard: move the map with the arrow keys, then pin its centre.
  var centre = document.getElementById("pin-centre");
  if (centre) {
    centre.hidden = false;
    centre.addEventListener("click", function () { pin(map.getCenter(), false); });
  }

  // The resident's position: asked for when they press the button; used at once for the
  // starting view when they have already allowed it.
  var gps = document.getElementById("use-gps");
  if (gps && navigator.geolocation) {
    gps.hidden = false;
    gps.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        pin(L.latLng(pos.coords.latitude, pos.coords.longitude), true);
      });
    });
    if (!lat.value && navigator.permissions && navigator.permissions.query) {
      navigator.permissions.query({ name: "geolocation" }).then(function (state) {
        if (state.state !== "granted") return;
        navigator.geolocation.getCurrentPosition(function (pos) {
          if (!lat.value) map.setView([pos.coords.latitude, pos.coords.longitude], 16);
        });
      }).catch(function () {});
    }
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
          // Sent with the report: Ruam learns whether what it suggested was kept.
          var shown = form.querySelector("[name=suggestion]");
          if (shown) shown.value = data.suggestion || "";
          data.items.forEach(function (item) {
            var box = form.querySelector("[name=categories][value='" + item.id + "']");
            if (!box || box.checked) return;
            var b = document.createElement("button");
            b.type = "button";
            b.className = "chip";
            b.textContent = "+ " + item.name;
            b.addEventListener("click", function () { box.checked = true; b.remove(); box.focus(); });
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
