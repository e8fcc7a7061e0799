// Inside an embedded Samla page (conference/embed_*.html): tell the page that framed it how tall
// the content is, so that static/conference/embed.js can size the iframe. Only a number is sent,
// so any parent may hear it; the parent checks that the message comes from Samla's origin.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ samla: "height", height: height }, "*");
    }
  }
  if (window.ResizeObserver) {
    new ResizeObserver(report).observe(document.documentElement);
  }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  report();
})();
