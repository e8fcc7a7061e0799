// Samla's embed script, for other websites: replaces each element with a data-samla-embed
// address (a Samla embed page) by an iframe of that page, and sets the iframe's height from the
// height the page reports (embed-frame.js). Messages from any origin but Samla's, or from
// windows other than these iframes, are ignored. Without script the element's own link remains.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    return;
  }
  var samla = new URL(script.src, document.baseURI).origin;
  var frames = [];

  function mount(holder) {
    if (holder.getAttribute("data-samla-mounted")) {
      return;
    }
    var address;
    try {
      address = new URL(holder.getAttribute("data-samla-embed"), script.src);
    } catch (error) {
      return;
    }
    if (address.origin !== samla || address.pathname.indexOf("/embed/") === -1) {
      return;
    }
    holder.setAttribute("data-samla-mounted", "1");
    var frame = document.createElement("iframe");
    frame.src = address.href;
    frame.title = holder.getAttribute("data-samla-title") || "Samla";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.display = "block";
    frame.style.height = (holder.getAttribute("data-samla-height") || "600") + "px";
    frame.setAttribute("scrolling", "no");
    holder.textContent = "";
    holder.appendChild(frame);
    frames.push(frame);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== samla) {
      return;
    }
    var data = event.data;
    if (!data || data.samla !== "height" || typeof data.height !== "number" || !isFinite(data.height)) {
      return;
    }
    var height = Math.max(40, Math.min(Math.round(data.height), 50000));
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = height + "px";
      }
    }
  });

  function mountAll() {
    var holders = document.querySelectorAll("[data-samla-embed]");
    for (var i = 0; i < holders.length; i += 1) {
      mount(holders[i]);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
