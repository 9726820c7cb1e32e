/* Irreversible actions ask first: a button or form with data-confirm="…" shows that question
   before the form is sent (销号, 退回, 发布, a lead change, a rejection, closing a notice). */
(function () {
  "use strict";
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter || document.activeElement;
      var question =
        (submitter && submitter.getAttribute && submitter.getAttribute("data-confirm")) ||
        form.getAttribute("data-confirm");
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
})();
