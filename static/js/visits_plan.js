// "Select all on this page" for reassigning planned visits.
(function () {
  "use strict";
  var all = document.querySelector(".pick-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    var boxes = document.querySelectorAll('input[name="planned"]');
    for (var i = 0; i < boxes.length; i++) { boxes[i].checked = all.checked; }
  });
})();
