/* The door pages as an installable app: register the service worker (templates/checkin/door_sw.js)
   that keeps them and their files on the phone. Tells the page when a new version took over. */
(function () {
  "use strict";

  var root = document.documentElement;
  var reload = document.getElementById("update-reload");
  if (reload) reload.addEventListener("click", function () { window.location.reload(); });
  var meta = document.querySelector("meta[name=samla-service-worker]");
  var url = meta && meta.content;
  if (!url || !("serviceWorker" in navigator)) return;
  var hadController = !!navigator.serviceWorker.controller;

  navigator.serviceWorker.addEventListener("controllerchange", function () {
    root.dataset.swControlled = "1";
    // The first worker taking over is no news; a later one is a new version of the scanner.
    if (!hadController) { hadController = true; return; }
    var notice = document.getElementById("update");
    if (notice) notice.hidden = false;
  });

  navigator.serviceWorker.register(url, { scope: meta.dataset.scope }).then(function (registration) {
    root.dataset.swRegistered = "1";
    if (navigator.serviceWorker.controller) root.dataset.swControlled = "1";
    // Phones keep a page open for hours at a door: look for a new version now and then.
    setInterval(function () { registration.update().catch(function () {}); }, 15 * 60 * 1000);
  }, function () { root.dataset.swRegistered = "failed"; });
})();
