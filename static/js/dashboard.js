// Draws the dashboard's Plotly figures and opens the list behind a bar or point when it is
// clicked (its URL is the point's customdata). The figures read with the key figures come
// in <script type="application/json" id="dashboard-charts">; the slower parts (charts by
// region and sector, risk, survival, PAR trend, the scores table) are fetched after the
// page, side by side, from the URLs in #dashboard-parts, so the key figures show at once.
// A static file, no inline script: the Content-Security-Policy forbids them.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof Plotly === "undefined") { return; }
  // Plotly titles do not wrap: break a long one at a space on a phone.
  function wrap(text, width) {
    if (text.length <= width) { return text; }
    var cut = text.lastIndexOf(" ", width);
    return cut > 0 ? text.slice(0, cut) + "<br>" + text.slice(cut + 1) : text;
  }
  var narrow = window.matchMedia("(max-width: 700px)").matches;
  var config = { responsive: true, displaylogo: false, displayModeBar: !narrow,
                 modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"] };

  function loaded(target) {
    target.classList.remove("chart-loading");
    target.removeAttribute("aria-busy");
    target.textContent = "";
  }

  function draw(figure) {
    var target = document.getElementById(figure.id);
    if (!target) { return; }
    loaded(target);
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
      if (figure.layout.xaxis2) {
        // Two half-width axes side by side: few, short ticks (5k, 10k) so that they are
        // not turned on their side under long labels, and titles that fit.
        [figure.layout.xaxis, figure.layout.xaxis2].forEach(function (axis) {
          axis.nticks = 3;
          axis.tickformat = "~s";
          if (axis.title) { axis.title.font = { size: 11 }; }
        });
      }
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
  }

  JSON.parse(source.textContent).forEach(draw);

  var parts = JSON.parse((document.getElementById("dashboard-parts") || {}).textContent || "{}");
  var messages = document.querySelector(".charts");
  Object.keys(parts).forEach(function (name) {
    var targets = document.querySelectorAll('[data-part="' + name + '"]');
    fetch(parts[name], { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (part) {
        part.figures.forEach(draw);
        targets.forEach(function (target) {
          if (part.html !== null && part.html !== undefined) {
            loaded(target);
            target.innerHTML = part.html;  // rendered by our own template, escaped there
          } else if (target.classList.contains("chart-loading")) {
            // A chart the part did not draw (e.g. no PAR trend): say it is empty.
            loaded(target);
            target.classList.add("chart-empty");
            target.textContent = target.getAttribute("data-empty") || "";
          }
        });
      })
      .catch(function () {
        targets.forEach(function (target) {
          loaded(target);
          target.classList.add("chart-empty");
          target.textContent = messages ? messages.getAttribute("data-failed") : "";
        });
      });
  });
})();
