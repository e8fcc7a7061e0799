// A badge file being rendered: ask again every 3 seconds and swap in the new status, until the
// file is ready or rendering failed. Without JavaScript, "Refresh now" reloads the page (no
// meta refresh, which WCAG 2.2.1 forbids).
(function () {
  "use strict";
  const job = document.getElementById("job");
  if (!job) {
    return;
  }
  const finished = (node) => node.dataset.status === "done" || node.dataset.status === "failed";
  const reveal = (root) => root.querySelectorAll(".job-auto").forEach((note) => { note.hidden = false; });
  reveal(job);
  if (finished(job)) {
    return;
  }
  const timer = window.setInterval(async () => {
    if (job.contains(document.activeElement)) {
      return;
    }
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) {
        return;
      }
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.getElementById("job");
      if (!fresh || fresh.dataset.status === job.dataset.status) {
        return;
      }
      reveal(fresh);
      job.dataset.status = fresh.dataset.status;
      job.replaceChildren(...fresh.childNodes);
      if (finished(job)) {
        window.clearInterval(timer);
      }
    } catch (error) {
      // Offline for a moment: try again at the next tick.
    }
  }, 3000);
})();
