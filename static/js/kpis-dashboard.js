// Month-end dashboard: one line chart per KPI over 24 months with its target band, from the json_script block.
// A click on a month opens the dashboard for that month (same warehouse).
(function () {
  "use strict";
  function format(kind, value) {
    if (value === null || value === undefined) { return "–"; }
    if (kind === "share") { return (value * 100).toFixed(1) + " %"; }
    if (kind === "count") { return Math.round(value).toLocaleString(); }
    return value.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  function openMonth(label) {
    var params = new URLSearchParams(window.location.search);
    params.set("month", label);
    window.location.search = params.toString();
  }
  function draw() {
    var source = document.getElementById("kpi-trends");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var bandText = data.target_label || "target";
    document.querySelectorAll("canvas[data-trend]").forEach(function (canvas) {
      var series = data.series[Number(canvas.getAttribute("data-trend"))];
      var hasLower = series.lower.some(function (v) { return v !== null; });
      var hasUpper = series.upper.some(function (v) { return v !== null; });
      var band = "rgba(31, 122, 58, 0.14)";
      var datasets = [{
        label: series.label, data: series.values, borderColor: "#0b5cad", backgroundColor: "#0b5cad",
        spanGaps: true, tension: 0.2, pointRadius: 3, pointHoverRadius: 6, order: 0
      }];
      if (hasLower) {
        datasets.push({
          label: bandText + " ≥", data: series.lower, borderColor: "#1f7a3a", borderDash: [4, 4], borderWidth: 1,
          pointRadius: 0, spanGaps: true, stepped: true, fill: hasUpper ? false : "end", backgroundColor: band, order: 1
        });
      }
      if (hasUpper) {
        datasets.push({
          label: bandText + " ≤", data: series.upper, borderColor: "#1f7a3a", borderDash: [4, 4], borderWidth: 1,
          pointRadius: 0, spanGaps: true, stepped: true, fill: hasLower ? "-1" : "start", backgroundColor: band, order: 1
        });
      }
      new window.Chart(canvas, {
        type: "line",
        data: { labels: data.labels, datasets: datasets },
        options: {
          animation: false,
          maintainAspectRatio: false,
          interaction: { mode: "index", intersect: false },
          onClick: function (event, elements, chart) {
            var points = chart.getElementsAtEventForMode(event, "index", { intersect: false }, true);
            if (points.length) { openMonth(data.labels[points[0].index]); }
          },
          onHover: function (event, elements) {
            event.native.target.style.cursor = elements.length ? "pointer" : "default";
          },
          plugins: {
            legend: { display: false },
            tooltip: {
              callbacks: {
                label: function (ctx) { return ctx.dataset.label + ": " + format(series.kind, ctx.parsed.y); }
              }
            }
          },
          scales: {
            x: { ticks: { autoSkip: true, autoSkipPadding: 14, maxRotation: 0, minRotation: 0 } },
            y: { ticks: { callback: function (value) { return format(series.kind, value); } } }
          }
        }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
