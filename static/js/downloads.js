// « Générer les accès »: the answer shows the division's new state and carries the PDF of
// the new credentials as a link (a data: URI, made for this answer only, never stored).
// Download it at once, on a full page load as after an htmx swap; without JavaScript the
// link stays there to click.
(function () {
  "use strict";
  function downloadNow() {
    document.querySelectorAll("a[data-download-now]").forEach(function (link) {
      link.removeAttribute("data-download-now");
      link.click();
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", downloadNow);
  } else {
    downloadNow();
  }
  document.addEventListener("htmx:afterSettle", downloadNow);
})();
