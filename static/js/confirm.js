// A button or link with data-confirm="…" asks before it acts (publishing, bulk 督办): the question is
// the attribute's text, already in the reader's language.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-confirm]");
    if (target && !window.confirm(target.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);
})();
