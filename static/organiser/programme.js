// The programme editor's enhancements. Without this script every action is a plain page:
// the add and edit forms, the "Move to" form on each session, the cancel page.
// With it: forms open in a <dialog> on the timetable, every save and move is first sent to the
// check endpoint (a dry run that saves nothing) and its clashes are shown before anything is
// saved, and sessions can be dragged onto an empty slot (through the same "Move to" form).
(function () {
  "use strict";
  const editor = document.getElementById("editor");
  if (!editor) return;
  const checkUrl = editor.dataset.checkUrl;
  const dialog = document.getElementById("session-dialog");
  const status = document.getElementById("editor-status");
  let opener = null;
  let dragged = null;

  async function check(form, extra) {
    const data = new FormData(form);
    for (const [key, value] of Object.entries(extra || {})) data.set(key, value);
    data.delete("action");
    const response = await fetch(checkUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.json();
  }

  function problemList(answer) {
    const list = document.createElement("ul");
    for (const problem of answer.problems || [{ message: answer.message }]) {
      const item = document.createElement("li");
      item.textContent = problem.message;
      list.appendChild(item);
    }
    return list;
  }

  function say(answer) {
    status.replaceChildren();
    status.classList.toggle("is-problem", !answer.ok);
    if (answer.ok) status.textContent = answer.message;
    else status.appendChild(problemList(answer));
  }

  function showResult(box, answer) {
    box.replaceChildren();
    box.classList.toggle("is-ok", Boolean(answer.ok));
    if (answer.ok) box.textContent = answer.message;
    else box.appendChild(problemList(answer));
    box.focus();
  }

  function submitFor(form, name, value) {
    const field = document.createElement("input");
    field.type = "hidden";
    field.name = name;
    field.value = value;
    form.appendChild(field);
    form.dataset.checked = "yes";
    form.submit();
  }

  function wireSessionForm(form) {
    const box = form.querySelector(".check-result");
    // A slot fills in its room; naming a new room means that one instead (the server refuses
    // both at once), so typing a name clears the choice rather than costing a second action.
    const room = form.querySelector("[name=room]");
    const newRoom = form.querySelector("[name=new_room_name]");
    if (room && newRoom) {
      newRoom.addEventListener("input", () => {
        if (newRoom.value.trim()) room.value = "";
      });
    }
    form.addEventListener("submit", async (event) => {
      if (form.dataset.checked === "yes") return;
      event.preventDefault();
      const saving = !event.submitter || event.submitter.value === "save";
      const answer = await check(form);
      showResult(box, answer);
      if (saving && answer.ok) submitFor(form, "action", "save");
    });
  }

  async function openForm(url) {
    const separator = url.includes("?") ? "&" : "?";
    const response = await fetch(url + separator + "partial=1", { credentials: "same-origin" });
    if (!response.ok) {
      window.location.href = url;
      return;
    }
    const body = dialog.querySelector(".dialog-body");
    body.innerHTML = await response.text();
    const form = body.querySelector("form.session-form");
    wireSessionForm(form);
    dialog.showModal();
    const first = form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  editor.addEventListener("click", (event) => {
    const link = event.target.closest("a.add-slot, a.edit-session");
    if (!link || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    opener = link;
    openForm(link.href);
  });
  dialog.querySelector(".dialog-close").addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => {
    dialog.querySelector(".dialog-body").replaceChildren();
    if (opener) opener.focus();
  });

  async function move(form, sessionId, start, room) {
    const startField = form.querySelector("[name=start]");
    const roomField = form.querySelector("[name=room]");
    if (start !== undefined) {
      startField.value = start;
      roomField.value = room;
    }
    const answer = await check(form, { move: sessionId });
    say(answer);
    if (answer.ok) submitFor(form, "checked", "1");
    else status.focus();
    return answer.ok;
  }

  for (const form of editor.querySelectorAll("form.move-form")) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.checked === "yes") return;
      event.preventDefault();
      move(form, form.closest(".editor-session").dataset.session);
    });
  }

  status.tabIndex = -1;
  editor.addEventListener("dragstart", (event) => {
    const card = event.target.closest(".editor-session[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.setData("text/plain", card.dataset.session);
    event.dataTransfer.effectAllowed = "move";
  });
  editor.addEventListener("dragend", () => {
    dragged = null;
    for (const cell of editor.querySelectorAll(".drop-target")) cell.classList.remove("drop-target");
  });
  editor.addEventListener("dragover", (event) => {
    const cell = event.target.closest("td.empty");
    if (!cell || !dragged) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    cell.classList.add("drop-target");
  });
  editor.addEventListener("dragleave", (event) => {
    const cell = event.target.closest("td.empty");
    if (cell) cell.classList.remove("drop-target");
  });
  editor.addEventListener("drop", (event) => {
    const cell = event.target.closest("td.empty");
    if (!cell || !dragged) return;
    event.preventDefault();
    cell.classList.remove("drop-target");
    const card = dragged;
    dragged = null;
    const form = card.querySelector("form.move-form");
    const startField = form.querySelector("[name=start]");
    const roomField = form.querySelector("[name=room]");
    const before = [startField.value, roomField.value];
    move(form, card.dataset.session, cell.dataset.start, cell.dataset.room).then((moved) => {
      if (!moved) [startField.value, roomField.value] = before;
    });
  });
})();
