// Behaviour the pages used to carry inline, now allowed by the Content-Security-Policy
// (script-src 'self': no inline <script>, no on* attributes).
//   <button data-print>: prints the page (the supervision notice, the assessment notice).
//   <a data-back href="…">: goes back one page if there is one, else follows its link.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) {
      event.preventDefault();
      window.print();
      return;
    }
    var back = event.target.closest ? event.target.closest("a[data-back]") : null;
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
