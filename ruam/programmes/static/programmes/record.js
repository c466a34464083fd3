// On a phone at the site: fill the figure's place from the device's location (GPS), if allowed.
(function () {
  "use strict";
  var button = document.querySelector(".use-location");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
      document.querySelector("[name=lon]").value = position.coords.longitude.toFixed(6);
    });
  });
})();
