/* Samla door scanner: camera (BarcodeDetector, else ZXing-C++ as WebAssembly), USB keyboard-wedge
   scanners, typed short codes and search by name. Keeps the checkpoint's list on the device in
   IndexedDB (through idb-keyval), decides on its own when the network is gone, queues those scans
   (scan id + time) in IndexedDB and syncs them when it is back; a queued scan is deleted only
   after the server answered for it. The service worker (door_app.js) keeps the page itself.
   Plain JS, no build step. */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("scanner-config").textContent);
  var S = config.strings;
  var lang = document.documentElement.lang || "sv";
  var cp = config.checkpoint;
  var REPEAT_MS = 4000;
  var TIMEOUT_MS = 5000;
  var SHORT_LENGTH = 8;
  var idb = window.idbKeyval;
  var names = window.samlaNames;
  // Two databases, as idb-keyval keeps one object store per database: small values, and the
  // queue with one record per scan (so a confirmed scan is deleted on its own).
  var kv = idb.createStore("samla-door", "kv");
  var queueStore = idb.createStore("samla-door-queue", "scans");
  var LIST_KEY = "list-" + cp;
  var SEEN_KEY = "seen-" + cp;
  var CHANGED_KEY = "changed-" + cp;

  var $ = function (id) { return document.getElementById(id); };
  var codeInput = $("code");
  var searchInput = $("search");
  var verdictBox = $("verdict");
  var net = $("net");
  var queueInfo = $("queue");

  function fmt(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* SHA-256 of an ASCII string (badge codes are A–Z, 2–7). Synchronous and works outside secure
     contexts, where crypto.subtle is missing. After the public-domain version by Geraint Luff. */
  function sha256(ascii) {
    function rr(v, n) { return (v >>> n) | (v << (32 - n)); }
    var maxWord = Math.pow(2, 32), result = "", words = [], bitLength = ascii.length * 8;
    var hash = [], k = [], primes = 0, composite = {}, i, j;
    for (var c = 2; primes < 64; c++) {
      if (!composite[c]) {
        for (i = 0; i < 313; i += c) composite[i] = c;
        hash[primes] = (Math.pow(c, 0.5) * maxWord) | 0;
        k[primes++] = (Math.pow(c, 1 / 3) * maxWord) | 0;
      }
    }
    ascii += "\x80";
    while (ascii.length % 64 - 56) ascii += "\x00";
    for (i = 0; i < ascii.length; i++) {
      j = ascii.charCodeAt(i);
      words[i >> 2] |= j << ((3 - i) % 4) * 8;
    }
    words[words.length] = (bitLength / maxWord) | 0;
    words[words.length] = bitLength;
    for (j = 0; j < words.length;) {
      var w = words.slice(j, j += 16), old = hash;
      hash = hash.slice(0, 8);
      for (i = 0; i < 64; i++) {
        var w15 = w[i - 15], w2 = w[i - 2], a = hash[0], e = hash[4];
        var t1 = hash[7] + (rr(e, 6) ^ rr(e, 11) ^ rr(e, 25)) + ((e & hash[5]) ^ (~e & hash[6])) + k[i] +
          (w[i] = i < 16 ? w[i] : (w[i - 16] + (rr(w15, 7) ^ rr(w15, 18) ^ (w15 >>> 3)) + w[i - 7] +
            (rr(w2, 17) ^ rr(w2, 19) ^ (w2 >>> 10))) | 0);
        var t2 = (rr(a, 2) ^ rr(a, 13) ^ rr(a, 22)) + ((a & hash[1]) ^ (a & hash[2]) ^ (hash[1] & hash[2]));
        hash = [(t1 + t2) | 0].concat(hash);
        hash[4] = (hash[4] + t1) | 0;
      }
      for (i = 0; i < 8; i++) hash[i] = (hash[i] + old[i]) | 0;
    }
    for (i = 0; i < 8; i++) {
      for (j = 3; j + 1; j--) {
        var byte = (hash[i] >> (j * 8)) & 255;
        result += (byte < 16 ? "0" : "") + byte.toString(16);
      }
    }
    return result;
  }

  function normalise(raw) {
    return String(raw || "").toUpperCase().replace(/[^A-Z0-9]/g, "").slice(0, 64);
  }

  // Storage ---------------------------------------------------------------------------------------
  var storageProblem = false;

  function storageFailed(error) {
    storageProblem = true;
    var full = error && (error.name === "QuotaExceededError" || /quota/i.test(String(error.message)));
    var box = $("storage-warning");
    box.textContent = full ? S.storage_full : S.storage_refused;
    box.hidden = false;
    box.dataset.problem = full ? "full" : "refused";
  }

  function keep(write) {
    // Writes run in the background; a refusal (thrown at once or later) is shown, never
    // swallowed, and never stops the door from working.
    try {
      return Promise.resolve(write()).catch(storageFailed);
    } catch (error) {
      storageFailed(error);
      return Promise.resolve();
    }
  }

  function localJSON(key) {
    try {
      var value = localStorage.getItem(key);
      return value ? JSON.parse(value) : null;
    } catch (e) { return null; }
  }

  function migrateLocalStorage() {
    // Earlier versions kept everything in localStorage: move it over once, then remove it.
    var oldQueue = localJSON("samla-door-queue-" + cp) || [];
    var oldSeen = localJSON("samla-door-seen-" + cp);
    var oldDevice = localJSON("samla-door-device");
    if (!oldQueue.length && !oldSeen && !oldDevice && !localJSON("samla-door-list-" + cp)) {
      return Promise.resolve();
    }
    var entries = oldQueue.filter(function (item) { return item && item.scan_id; }).map(function (item) {
      item.checkpoint = cp;
      return [item.scan_id, item];
    });
    return (entries.length ? idb.setMany(entries, queueStore) : Promise.resolve())
      .then(function () { return oldSeen ? idb.update(SEEN_KEY, function (seen) { return Object.assign({}, oldSeen, seen || {}); }, kv) : null; })
      .then(function () { return oldDevice ? idb.update("device", function (id) { return id || oldDevice; }, kv) : null; })
      .then(function () {
        ["samla-door-queue-" + cp, "samla-door-seen-" + cp, "samla-door-list-" + cp].forEach(function (key) {
          localStorage.removeItem(key);
        });
      });
  }

  // State kept on the device -------------------------------------------------------------------
  var list = null;
  var byHash = {};
  var byShort = {};
  var byId = {};
  var queue = [];
  var seen = {};
  var device = null;
  var changedAt = null;
  var everQueued = false;

  function indexList() {
    byHash = {}; byShort = {}; byId = {};
    if (list) {
      list.people.forEach(function (p) {
        if (p.h) byHash[p.h] = p;
        if (p.s) byShort[p.s] = p;
        byId[p.id] = p;
      });
    }
    showList();
  }

  function when(iso) {
    try {
      return new Date(iso).toLocaleString(lang, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    } catch (e) { return iso; }
  }

  function showList() {
    var info = $("list-info");
    var age = $("list-age");
    if (!list) {
      info.textContent = S.no_list;
      info.dataset.count = "0";
      age.hidden = true;
      return;
    }
    info.dataset.count = String(list.people.length);
    info.textContent = fmt(S.list_loaded, { n: list.people.length, time: when(list.generated_at) });
    var stale = changedAt && (!list.changed_at || new Date(changedAt) > new Date(list.changed_at));
    age.hidden = !stale;
    age.textContent = stale ? S.list_stale : "";
  }

  function markSeen(personId, at) {
    if (!personId || seen[personId]) return;
    seen[personId] = at;
    keep(function () { return idb.set(SEEN_KEY, seen, kv); });
  }

  function isOnline() { return navigator.onLine !== false; }

  function showNet() {
    var online = isOnline();
    net.textContent = online ? S.online : S.offline;
    net.classList.toggle("off", !online);
    net.dataset.state = online ? "online" : "offline";
  }

  function showQueue() {
    queueInfo.dataset.count = String(queue.length);
    if (queue.length) queueInfo.textContent = fmt(S.queued, { n: queue.length });
    else queueInfo.textContent = everQueued ? S.synced : S.no_queue;
  }

  // Talking to the server -----------------------------------------------------------------------
  function request(url, options) {
    options = options || {};
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    // Verdicts in the page's language, whatever language the phone itself is set to.
    var headers = { "Accept": "application/json", "Accept-Language": lang, "X-CSRFToken": config.csrf };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(url, {
      method: options.method || "GET",
      headers: headers,
      body: options.body ? JSON.stringify(options.body) : undefined,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      if (timer) clearTimeout(timer);
      if (response.status >= 500) throw new Error("server " + response.status);
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }, function (error) {
      if (timer) clearTimeout(timer);
      throw error;
    });
  }

  function refreshList() {
    if (!isOnline()) return Promise.resolve();
    return request(config.listUrl).then(function (r) {
      if (r.status !== 200) return;
      list = r.data;
      if (list.changed_at && (!changedAt || new Date(list.changed_at) > new Date(changedAt))) {
        changedAt = list.changed_at;
      }
      indexList();
      // One put: the stored list is the old one or the new one, never half of each.
      return keep(function () { return idb.set(LIST_KEY, list, kv); });
    }, function () { /* keep the stored list */ });
  }

  function checkStatus() {
    if (!isOnline()) return Promise.resolve();
    return request(config.statusUrl).then(function (r) {
      if (r.status !== 200 || !r.data.changed_at) return;
      if (changedAt && new Date(r.data.changed_at) <= new Date(changedAt)) return showList();
      changedAt = r.data.changed_at;
      keep(function () { return idb.set(CHANGED_KEY, changedAt, kv); });
      showList();
      return refreshList();
    }, function () {});
  }

  var syncing = false;
  function sync() {
    if (syncing || !queue.length || !isOnline()) return Promise.resolve();
    syncing = true;
    var batch = queue.slice(0, 500);
    return request(config.syncUrl, {
      method: "POST",
      body: { device_id: device, scans: batch.map(function (item) {
        var copy = Object.assign({}, item);
        delete copy.checkpoint;
        return copy;
      }) },
    }).then(function (r) {
      if (r.status !== 200) return;
      // The server answered for these: stored (or refused for good). Only they leave the queue.
      var done = {};
      r.data.results.forEach(function (result) { if (result.scan_id) done[result.scan_id] = true; });
      var ids = Object.keys(done);
      queue = queue.filter(function (item) { return !done[item.scan_id]; });
      showQueue();
      return keep(function () { return idb.delMany(ids, queueStore); }).then(refreshList);
    }, function () { /* still offline: try again later */ }).then(function () {
      syncing = false;
    });
  }

  // Verdicts --------------------------------------------------------------------------------------
  var closeTimer = null;

  function showVerdict(v) {
    verdictBox.className = "verdict v-" + v.verdict;
    verdictBox.dataset.verdict = v.verdict;
    var icons = { ok: "✓", already_checked_in: "↺", cancelled: "✕", waiting_list: "⏳",
      not_signed_up: "⛔", unknown_code: "?", other_conference: "≠", wrong_day: "✕",
      error: "!" };
    $("verdict-icon").textContent = icons[v.verdict] || "!";
    $("verdict-title").textContent = v.title || S["verdict_" + v.verdict] || S.error;
    $("verdict-name").textContent = v.person ? v.person.name : "";
    $("verdict-org").textContent = v.person ? v.person.organisation : "";
    $("verdict-detail").textContent = v.detail || "";
    $("verdict-note").textContent = v.offline ? S.offline_note : "";
    verdictBox.hidden = false;
    if (navigator.vibrate) navigator.vibrate(v.verdict === "ok" ? 80 : [80, 60, 80]);
    clearTimeout(closeTimer);
    closeTimer = setTimeout(closeVerdict, v.verdict === "ok" ? 2500 : 5000);
  }

  function closeVerdict() {
    clearTimeout(closeTimer);
    verdictBox.hidden = true;
    codeInput.focus();
  }

  var localDetail = {
    ok: S.ok_detail, cancelled: S.cancelled_detail, waiting_list: S.waiting_detail,
    not_signed_up: S.not_signed_up_detail, unknown_code: S.unknown_detail,
  };

  function timeOf(iso) {
    try {
      return new Date(iso).toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" });
    } catch (e) { return iso; }
  }

  function decideLocally(person, scannedAt) {
    if (!person) return { verdict: "unknown_code", person: null, detail: localDetail.unknown_code };
    if (person.verdict !== "ok") return { verdict: person.verdict, person: person, detail: localDetail[person.verdict] };
    var earlier = seen[person.id] || person.checked_in_at;
    if (earlier) {
      return { verdict: "already_checked_in", person: person, detail: fmt(S.checked_in_at, { time: timeOf(earlier) }) };
    }
    markSeen(person.id, scannedAt);
    return { verdict: "ok", person: person, detail: localDetail.ok };
  }

  function queueScan(item, verdict) {
    item.verdict = verdict;
    item.checkpoint = cp;
    queue.push(item);
    everQueued = true;
    showQueue();
    keep(function () { return idb.set(item.scan_id, item, queueStore); });
  }

  function submit(item, person, otherConference) {
    // `item` is {scan_id, scanned_at, code} or {scan_id, scanned_at, registration_id}.
    function offline() {
      var v = person || !otherConference ? decideLocally(person, item.scanned_at) : {
        verdict: "other_conference", person: null, detail: S.other_detail,
        title: fmt(S.other_conference, { name: otherConference }),
      };
      v.offline = true;
      queueScan(item, v.verdict);
      showVerdict(v);
    }
    if (!isOnline()) return offline();
    var body = { scan_id: item.scan_id, scanned_at: item.scanned_at, device_id: device };
    if (item.code) body.code = item.code; else body.registration_id = item.registration_id;
    request(config.scanUrl, { method: "POST", body: body }).then(function (r) {
      if (r.status === 200) {
        if (r.data.person && (r.data.verdict === "ok" || r.data.verdict === "already_checked_in")) {
          markSeen(r.data.person.id, r.data.entry ? r.data.entry.at : item.scanned_at);
        }
        showVerdict(r.data);
      } else {
        showVerdict({ verdict: "error", title: S.error, detail: r.data.detail || "" });
      }
    }, offline);
  }

  var last = { code: "", at: 0 };

  function handleCode(raw, fromCamera) {
    var code = normalise(raw);
    if (!code) return;
    var now = Date.now();
    if (fromCamera && code === last.code && now - last.at < REPEAT_MS) return;
    last = { code: code, at: now };
    var item = { scan_id: uuid4(), scanned_at: new Date().toISOString(), code: code };
    var hash = sha256(code);
    var other = list && list.other_conferences ? list.other_conferences[hash] : null;
    submit(item, (code.length === SHORT_LENGTH ? byShort[hash] : byHash[hash]) || null, other);
  }

  function handlePerson(person) {
    var item = { scan_id: uuid4(), scanned_at: new Date().toISOString(), registration_id: person.id };
    submit(item, byId[person.id] || person);
  }

  // Camera ------------------------------------------------------------------------------------------
  var video = $("video");
  var canvas = $("frame");
  var detector = null;
  var scanningFrame = false;
  var zxingPrepared = false;

  function cameraNote(text) {
    var note = $("camera-note");
    note.textContent = text;
    note.hidden = !text;
  }

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraNote(S.camera_off);
      return;
    }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (stream) {
        $("camera-start").hidden = true;
        cameraNote("");
        video.srcObject = stream;
        return video.play();
      })
      .then(function () {
        if ("BarcodeDetector" in window) {
          return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
            if (formats.indexOf("qr_code") >= 0) detector = new window.BarcodeDetector({ formats: ["qr_code"] });
          }, function () { detector = null; });
        }
      })
      .then(function () {
        document.body.dataset.decoder = detector ? "barcodedetector" : "zxing";
        setTimeout(tick, 100);
      })
      .catch(function () {
        $("camera-start").hidden = false;
        cameraNote(S.camera_off);
      });
  }

  function zxing() {
    var lib = window.ZXingWASM;
    if (!lib) return null;
    if (!zxingPrepared) {
      // Samla serves the WebAssembly itself: never the package's default CDN.
      lib.prepareZXingModule({
        overrides: {
          locateFile: function (path, prefix) { return /\.wasm$/.test(path) ? config.zxingWasm : prefix + path; },
        },
      });
      zxingPrepared = true;
    }
    return lib;
  }

  function decodeFrame() {
    if (detector) {
      return detector.detect(video).then(function (codes) {
        return codes.length ? codes[0].rawValue : null;
      }, function () { detector = null; return null; });
    }
    var lib = zxing();
    if (!lib || !video.videoWidth) return Promise.resolve(null);
    var scale = Math.min(1, 640 / video.videoWidth);
    var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
    canvas.width = w; canvas.height = h;
    var ctx = canvas.getContext("2d", { willReadFrequently: true });
    ctx.drawImage(video, 0, 0, w, h);
    return lib.readBarcodes(ctx.getImageData(0, 0, w, h), { formats: ["QRCode"], maxNumberOfSymbols: 1 })
      .then(function (found) { return found.length && found[0].isValid ? found[0].text : null; });
  }

  function tick() {
    if (scanningFrame || !verdictBox.hidden || video.readyState < 2) {
      setTimeout(tick, 150);
      return;
    }
    scanningFrame = true;
    decodeFrame().then(function (value) {
      scanningFrame = false;
      if (value) handleCode(value, true);
      setTimeout(tick, 150);
    }, function () {
      scanningFrame = false;
      setTimeout(tick, 300);
    });
  }

  // Search by name ----------------------------------------------------------------------------------
  var searchTimer = null;

  function stateOf(p) {
    if (p.checked_in_at) return fmt(S.checked_in_at, { time: timeOf(p.checked_in_at) });
    return p.verdict === "ok" ? "" : S["verdict_" + p.verdict];
  }

  function renderResults(people) {
    var ul = $("search-results");
    ul.textContent = "";
    if (!people.length) {
      var empty = document.createElement("li");
      empty.textContent = S.no_results;
      ul.appendChild(empty);
      return;
    }
    people.forEach(function (p) {
      var li = document.createElement("li");
      li.dataset.verdict = p.checked_in_at ? "already_checked_in" : p.verdict;
      var who = document.createElement("span");
      who.className = "who";
      who.textContent = p.name;
      var small = document.createElement("small");
      small.textContent = [p.organisation, stateOf(p)].filter(Boolean).join(" · ");
      who.appendChild(small);
      li.appendChild(who);
      // Only where it can succeed: not for someone already in, cancelled or waiting.
      if (p.can_check_in) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = S.check_in;
        button.setAttribute("aria-label", S.check_in + " " + p.name);
        button.addEventListener("click", function () { handlePerson(p); });
        li.appendChild(button);
      }
      ul.appendChild(li);
    });
  }

  function searchLocally(q) {
    var wanted = names.folds(q);
    var people = list ? list.people : [];
    return people.filter(function (p) {
      return names.matches(wanted, p.name, p.organisation);
    }).slice(0, 20).map(function (p) {
      var at = seen[p.id] || p.checked_in_at || null;
      return Object.assign({}, p, { checked_in_at: at, can_check_in: p.verdict === "ok" && !at });
    });
  }

  function search() {
    var q = searchInput.value.trim();
    if (q.length < 2) { $("search-results").textContent = ""; return; }
    if (!isOnline()) { renderResults(searchLocally(q)); return; }
    request(config.searchUrl + "?q=" + encodeURIComponent(q)).then(function (r) {
      renderResults(r.status === 200 ? r.data.results : searchLocally(q));
    }, function () { renderResults(searchLocally(q)); });
  }

  // Wiring ------------------------------------------------------------------------------------------
  $("code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = codeInput.value;
    codeInput.value = "";
    handleCode(value, false);
  });
  // The code field shows no on-screen keyboard (a USB scanner or the camera fills it, and a
  // keyboard popping up over the camera would get in the way); "Type code" switches it on.
  var typeCode = $("type-code");
  typeCode.addEventListener("click", function () {
    var typing = typeCode.getAttribute("aria-pressed") !== "true";
    codeInput.setAttribute("inputmode", typing ? typeCode.dataset.inputmode : "none");
    typeCode.setAttribute("aria-pressed", typing ? "true" : "false");
    codeInput.blur();
    codeInput.focus();
  });
  $("search-form").addEventListener("submit", function (event) { event.preventDefault(); search(); });
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(search, 250);
  });
  $("verdict-close").addEventListener("click", closeVerdict);
  verdictBox.addEventListener("click", function (event) { if (event.target === verdictBox) closeVerdict(); });
  $("camera-start").addEventListener("click", startCamera);
  // A USB scanner types into whatever has focus: keep it on the code field unless the person is
  // searching or pressing a button.
  document.addEventListener("click", function (event) {
    if (!event.target.closest("#search-form") && !event.target.closest("a") && !event.target.closest("#update")) codeInput.focus();
  });

  function loadState() {
    return keep(migrateLocalStorage).then(function () {
      return Promise.all([
        idb.get(LIST_KEY, kv), idb.get(SEEN_KEY, kv), idb.get("device", kv), idb.get(CHANGED_KEY, kv),
        idb.values(queueStore),
      ]);
    }).then(function (values) {
      list = values[0] || null;
      seen = values[1] || {};
      device = values[2] || null;
      changedAt = values[3] || null;
      queue = (values[4] || []).filter(function (item) { return item.checkpoint === cp; });
      queue.sort(function (a, b) { return a.scanned_at < b.scanned_at ? -1 : 1; });
      everQueued = queue.length > 0;
    }, storageFailed).then(function () {
      if (!device) { device = uuid4(); keep(function () { return idb.set("device", device, kv); }); }
    });
  }

  showNet();
  codeInput.focus();
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(function (granted) { document.body.dataset.persisted = granted ? "1" : "0"; }, function () {});
  }
  loadState().then(function () {
    indexList();
    showQueue();
    document.body.dataset.ready = "1";
    window.addEventListener("online", function () { showNet(); sync().then(checkStatus); });
    window.addEventListener("offline", showNet);
    setInterval(function () { showNet(); sync(); }, 5000);
    setInterval(checkStatus, 30000);
    setInterval(refreshList, 5 * 60000);
    return sync().then(refreshList);
  });
  startCamera();
  window.samlaScanner = {
    sha256: sha256,
    queue: function () { return queue.slice(); },
    storageProblem: function () { return storageProblem; },
    checkStatus: checkStatus,
  };
})();
