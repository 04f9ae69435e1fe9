// Draws the dashboard's Plotly figures from <script type="application/json" id="dashboard-charts">
// and opens the list behind a bar or point when it is clicked (its URL is the point's
// customdata). A static file, no inline script: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Plotly === "undefined") { return; }
  var figures = JSON.parse(source.textContent);
  // Plotly titles do not wrap: break a long one at a space on a phone.
  function wrap(text, width) {
    if (text.length <= width) { return text; }
    var cut = text.lastIndexOf(" ", width);
    return cut > 0 ? text.slice(0, cut) + "<br>" + text.slice(cut + 1) : text;
  }
  var narrow = window.matchMedia("(max-width: 700px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: !narrow,
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };
  figures.forEach(function (figure) {
    var target = document.getElementById(figure.id);
    if (!target) { return; }
    if (!figure.data.length) {
      target.classList.add("chart-empty");
      target.textContent = target.getAttribute("data-empty") || "";
      return;
    }
    if (narrow) {
      figure.layout.legend = Object.assign({}, figure.layout.legend || {}, { font: { size: 11 } });
      if (figure.layout.xaxis && figure.layout.xaxis.title && figure.layout.showlegend !== false) {
        figure.layout.legend.y = -0.42;  // below the axis title, which wraps less room here
      }
      figure.layout.title.font = { size: 13 };
      figure.layout.title.text = wrap(figure.layout.title.text, 36);
      figure.layout.margin = Object.assign({}, figure.layout.margin, { t: 60 });
    }
    // Hold the figure's height: a responsive resize would otherwise let the box collapse
    // under the drawing (legends then overlap the next chart).
    target.style.minHeight = figure.layout.height + "px";
    Plotly.newPlot(target, figure.data, figure.layout, config).then(function () {
      target.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && point.customdata;
        if (typeof url === "string" && url.charAt(0) === "/") { window.location.assign(url); }
      });
    });
  });
})();
