// Draws each .chart from the table it stands for (its rows, as the page sent them in a JSON
// script): Chartist, served by Ruam from the npm package (no CDN). Without JavaScript the table
// alone says it all.
import { BarChart, LineChart } from "../vendor/chartist/index.js";

var source = document.getElementById("chart-data");
var all = source ? JSON.parse(source.textContent) : {};
document.querySelectorAll(".chart[data-rows]").forEach(function (el) {
  var rows = all[el.dataset.rows] || [];
  if (!rows.length) return;
  var labels = rows.map(function (r) { return String(r[0]); });
  var values = rows.map(function (r) { return r[1] || 0; });
  var horizontal = el.dataset.kind === "hbar";
  var every = Math.ceil(labels.length / 12);
  var options = {
    horizontalBars: horizontal,
    reverseData: horizontal,
    axisY: { onlyInteger: true, offset: horizontal ? 110 : 40 },
    axisX: {
      onlyInteger: true,
      labelInterpolationFnc: function (value, index) {
        return horizontal || index % every === 0 ? value : null;
      }
    },
    chartPadding: { right: 16 }
  };
  if (el.dataset.kind === "line") {
    new LineChart(el, { labels: labels, series: [values] }, Object.assign(options, { showArea: true, low: 0 }));
  } else {
    new BarChart(el, { labels: labels, series: [values] }, options);
  }
  el.dataset.ready = "1";
});
