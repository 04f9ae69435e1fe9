// Draws the Plotly figures described in <script type="application/json" id="charts">.
// Kept in a static file (no inline script) so the Content-Security-Policy can forbid them.
(function () {
  "use strict";
  var source = document.getElementById("charts");
  if (!source || typeof Plotly === "undefined") { return; }
  var figures = JSON.parse(source.textContent);
  var config = { responsive: true, displaylogo: false,
                 modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  figures.forEach(function (figure) {
    var target = document.getElementById(figure.id);
    if (target) { Plotly.newPlot(target, figure.data, figure.layout, config); }
  });
})();
