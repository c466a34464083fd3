// Behaviour every page shares, bound here rather than in inline handlers (the
// Content-Security-Policy allows no inline script): print buttons and confirmations.
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-print]") : null;
    if (button) { e.preventDefault(); window.print(); }
  });
  // A refused form: its summary of what is wrong is focused (and read out) first.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
  // A form whose consequence cannot be undone asks first (data-confirm holds the question).
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) e.preventDefault();
  });
})();
