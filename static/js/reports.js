/* Draws each report chart from the numbers the server put in a json_script element (the same
   numbers as the table beside it). Labels arrive already translated. No inline script: CSP. */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  Chart.defaults.font.family = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", ' +
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
  var narrow = window.matchMedia("(max-width: 576px)").matches;

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var round = spec.type === "doughnut";
    var options = {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: round || spec.datasets.length > 1, position: narrow ? "bottom" : "top" } }
    };
    if (!round) {
      var value = { beginAtZero: true, stacked: spec.datasets.length > 1, ticks: { precision: 0 } };
      // Stacks are named per dataset ("in"/"out" of the pool): bars of one stack pile up, stacks stand side by side.
      if (spec.percent) { value.max = 100; }
      var category = { stacked: spec.datasets.length > 1, ticks: { autoSkip: true, maxRotation: narrow ? 90 : 50 } };
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = spec.horizontal ? { x: value, y: category } : { x: category, y: value };
    }
    new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: spec.datasets }, options: options });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
