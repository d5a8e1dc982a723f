/* Carnet Pro — the header's drop-down menus (<details class="dropdown"> in base.html).
 *
 * Without this file the menus work as plain <details>: they open and close with a click,
 * Enter or Space. With it (no inline script: the CSP is script-src 'self'):
 * - Escape closes the open menu and gives the focus back to its button (<summary>);
 * - a click or the focus outside the open menu closes it;
 * - opening one menu closes the others.
 */
(function () {
  "use strict";

  var OPEN_MENUS = "details.dropdown[open]";

  function closeMenu(menu, focusSummary) {
    menu.removeAttribute("open");
    if (focusSummary) {
      menu.querySelector("summary").focus();
    }
  }

  function closeMenusOutside(target) {
    document.querySelectorAll(OPEN_MENUS).forEach(function (menu) {
      if (!menu.contains(target)) {
        closeMenu(menu, false);
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" && event.key !== "Esc") {
      return;
    }
    document.querySelectorAll(OPEN_MENUS).forEach(function (menu) {
      closeMenu(menu, menu.contains(document.activeElement));
    });
  });

  document.addEventListener("click", function (event) {
    closeMenusOutside(event.target);
  });

  document.addEventListener("focusin", function (event) {
    closeMenusOutside(event.target);
  });

  // « toggle » does not bubble: listened to while it goes down (capture).
  document.addEventListener(
    "toggle",
    function (event) {
      var menu = event.target;
      if (menu.matches && menu.matches(OPEN_MENUS)) {
        document.querySelectorAll(OPEN_MENUS).forEach(function (other) {
          if (other !== menu) {
            closeMenu(other, false);
          }
        });
      }
    },
    true
  );
})();
