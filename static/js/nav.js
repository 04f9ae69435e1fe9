// On a phone the main menu scrolls sideways: bring the current page's entry into view.
(function () {
  "use strict";
  var current = document.querySelector(".mainnav [aria-current]");
  if (current && current.parentElement.scrollWidth > current.parentElement.clientWidth) {
    current.parentElement.scrollLeft = current.offsetLeft - 12;
  }
})();
