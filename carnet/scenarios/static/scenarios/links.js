// « Liaison avec le référentiel »: the counter of each competency (« 2 critères sur 8 »)
// follows the boxes as they are ticked. Without this script the counters are those saved.
(function () {
  "use strict";
  function words(count, total) {
    return count + (count > 1 ? " critères" : " critère") + " sur " + total;
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches("input[data-criterion]")) {
      return;
    }
    var group = box.closest("[data-competency]");
    var counter = group && group.querySelector("[data-counter]");
    if (!counter) {
      return;
    }
    var count = group.querySelectorAll("input[data-criterion]:checked").length;
    counter.textContent = words(count, counter.getAttribute("data-total"));
  });
})();
