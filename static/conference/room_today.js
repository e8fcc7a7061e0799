// The room sheet's "Print" button (conference/exports/room_today.html), without an inline
// onclick, which the content security policy refuses.
(function () {
  "use strict";
  var button = document.getElementById("print-sheet");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
