// The organiser's live check-in page: every `data-refresh` seconds, fetch the page again and
// swap in the new figures. Never while the reader is working inside them (keyboard focus and
// the screen reader's place would be lost) or has paused it; when offline, keep what is shown.
// Without JavaScript the page stays still and "Refresh now" reloads it.
(function () {
  "use strict";
  const live = document.getElementById("live");
  const pause = document.getElementById("live-pause");
  if (!live || !pause) {
    return;
  }
  const seconds = Number(live.dataset.refresh) || 15;
  let paused = false;
  // What only holds with this script (the note on automatic updates, the pause button) shows.
  const reveal = (root) => root.querySelectorAll(".live-every").forEach((note) => { note.hidden = false; });
  pause.hidden = false;
  reveal(live);
  pause.addEventListener("click", () => {
    paused = !paused;
    pause.setAttribute("aria-pressed", String(paused));
    pause.textContent = paused ? pause.dataset.resume : pause.dataset.pause;
  });

  async function refresh() {
    if (paused || live.contains(document.activeElement)) {
      return;
    }
    let fresh;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) {
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      fresh = page.getElementById("live");
    } catch (error) {
      return;
    }
    if (fresh && !paused && !live.contains(document.activeElement)) {
      reveal(fresh);
      live.replaceChildren(...fresh.childNodes);
    }
  }

  window.setInterval(refresh, seconds * 1000);
})();
