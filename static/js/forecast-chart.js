// Forecast page: per warehouse, 24 months of demand with the method's fitted values, then 12 months ahead.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("forecast-charts");
    var names = document.getElementById("forecast-chart-labels");
    if (!source || !names || typeof window.Chart === "undefined") { return; }
    var charts = JSON.parse(source.textContent);
    var label = JSON.parse(names.textContent);
    document.querySelectorAll("canvas[data-forecast-chart]").forEach(function (canvas) {
      var data = charts[canvas.getAttribute("data-forecast-chart")];
      if (!data) { return; }
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            { type: "bar", label: label.actual, data: data.actual, backgroundColor: "rgba(11, 92, 173, 0.55)", order: 3 },
            { label: label.fitted, data: data.fitted, borderColor: "#8a5a00", backgroundColor: "#8a5a00", borderDash: [5, 4], pointRadius: 2, spanGaps: true, order: 1 },
            { label: label.forecast, data: data.forecast, borderColor: "#1f7a3a", backgroundColor: "#1f7a3a", pointRadius: 2, order: 2 },
            { label: label.with_known, data: data.with_known, borderColor: "#b3261e", backgroundColor: "#b3261e", borderDash: [2, 3], pointRadius: 3, order: 0 }
          ]
        },
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: { mode: "index", intersect: false },
          scales: { x: { ticks: { autoSkip: true, maxRotation: 0, autoSkipPadding: 12 } }, y: { beginAtZero: true } },
          plugins: { legend: { position: "bottom" } }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
