// Month-end dashboard: one line chart per KPI over 24 months, data from the json_script block.
(function () {
  "use strict";
  function format(kind, value) {
    if (value === null || value === undefined) { return "–"; }
    if (kind === "share") { return (value * 100).toFixed(1) + " %"; }
    if (kind === "count") { return Math.round(value).toString(); }
    return value.toFixed(2);
  }
  function draw() {
    var source = document.getElementById("kpi-trends");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      var series = data.series[Number(canvas.getAttribute("data-trend"))];
      var datasets = [{ label: series.label, data: series.values, borderColor: "#0b5cad", spanGaps: true, tension: 0.2 }];
      [["lower", "target from"], ["upper", "target to"]].forEach(function (bound) {
        if (series[bound[0]] !== null) {
          datasets.push({
            label: bound[1], data: data.labels.map(function () { return series[bound[0]]; }),
            borderColor: "#1f7a3a", borderDash: [4, 4], pointRadius: 0
          });
        }
      });
      new window.Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: datasets },
        options: {
          animation: false,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + format(series.kind, ctx.parsed.y); } } }
          },
          scales: { y: { ticks: { callback: function (value) { return format(series.kind, value); } } } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
