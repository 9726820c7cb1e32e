// Asks before a step that cannot be taken back (publishing, withdrawing, bulk 督办): a button or link
// with data-confirm="…" asks when clicked; a form with data-confirm asks when it is sent by a button
// that does not ask itself. The question is the attribute's text, already in the reader's language.
// No inline script anywhere (CSP); [data-print] is tracker.js's.
(function () {
  "use strict";
  if (window.trackerConfirmInstalled) {
    return;  // loaded once per page, whatever includes it
  }
  window.trackerConfirmInstalled = true;
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && target.tagName !== "FORM" && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (button && button.hasAttribute("data-confirm")) {
      return;  // already asked on the click
    }
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
