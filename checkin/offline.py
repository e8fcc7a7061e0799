"""The door scanner as an installable, offline web app: which static files the phone keeps, and
the version that names its caches.

The service worker (templates/checkin/door_sw.js, served by `views.door_service_worker`) embeds
the version; the browser compares the worker's bytes on each visit, so a new version of any of
these files is a new worker, which installs fresh copies under a new cache name, takes over at
once and deletes the old caches. Nobody has to clear a phone's cache by hand."""

import hashlib
from functools import cache

from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.templatetags.static import static

SCANNER_ASSETS = (
    "samla.css",
    "checkin/door.css",
    "checkin/door_app.js",
    "checkin/names.js",
    "checkin/scanner.js",
    "checkin/icon-192.png",
    "checkin/icon-512.png",
    "vendor/idb-keyval/umd.js",
    "vendor/zxing-wasm/reader.iife.js",
    "vendor/zxing-wasm/zxing_reader.wasm",
)
SW_TEMPLATE = "checkin/door_sw.js"


@cache
def scanner_version() -> str:
    """A hash of the scanner's static files and of the worker itself: changes with any of them.
    Computed once per process (files change only with a deployment, which restarts it)."""
    digest = hashlib.sha256()
    for name in SCANNER_ASSETS:
        path = finders.find(name)
        # In production the URL carries the file's hash too (ManifestStaticFilesStorage), which
        # counts even where the source files were not deployed beside the collected ones.
        digest.update(static(name).encode())
        if path:
            with open(path, "rb") as source:
                digest.update(source.read())
    digest.update(get_template(SW_TEMPLATE).template.source.encode())
    return digest.hexdigest()[:16]
