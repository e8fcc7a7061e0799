"""The door scanner as an installable app: manifest, service worker, versioned caches."""

import json

import pytest

from checkin import offline
from checkin.offline import SCANNER_ASSETS, scanner_version

pytestmark = pytest.mark.django_db


def test_manifest_starts_at_door_list_standalone_with_icons(client):
    response = client.get("/door/manifest.webmanifest")

    body = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert (body["start_url"], body["scope"], body["display"]) == ("/door/", "/door/", "standalone")
    assert body["name"] == "Samlas dörrskanner"
    assert [(icon["src"], icon["sizes"]) for icon in body["icons"]] == [
        ("/static/checkin/icon-192.png", "192x192"),
        ("/static/checkin/icon-512.png", "512x512"),
    ]


def test_manifest_english_under_english_prefix(client):
    body = json.loads(client.get("/en/door/manifest.webmanifest").content)

    assert (body["start_url"], body["name"]) == ("/en/door/", "Samla door scanner")


def test_icons_are_the_sizes_the_manifest_says():
    from django.contrib.staticfiles import finders
    from PIL import Image

    sizes = [Image.open(finders.find(f"checkin/icon-{n}.png")).size for n in (192, 512)]

    assert sizes == [(192, 192), (512, 512)]


@pytest.mark.parametrize(
    ("url", "scope"), [("/door/sw.js", "/door/"), ("/en/door/sw.js", "/en/door/")]
)
def test_service_worker_scope_covers_door_pages_and_names_version(client, url, scope):
    response = client.get(url)

    text = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == scope
    assert response["Cache-Control"] == "no-cache"
    assert f'var VERSION = "{scanner_version()}";' in text
    assert f"var SCOPE = new URL({json.dumps(scope)}, self.location).href;" in text
    for name in SCANNER_ASSETS:
        assert f'"/static/{name}"' in text


def test_scanner_version_changes_with_the_scanner_files(monkeypatch):
    before = scanner_version()
    scanner_version.cache_clear()
    monkeypatch.setattr(offline, "SCANNER_ASSETS", ("checkin/scanner.js",))

    after = scanner_version()
    scanner_version.cache_clear()

    assert before != after
    assert len(before) == len(after) == 16


def test_vendored_libraries_have_licence_and_version():
    from django.contrib.staticfiles import finders

    for library in ("idb-keyval", "zxing-wasm"):
        assert finders.find(f"vendor/{library}/LICENSE")
        assert finders.find(f"vendor/{library}/VERSION")
    assert finders.find("checkin/vendor/jsQR.js") is None


def test_scanner_page_links_manifest_and_worker(client, door_user, entrance):
    client.force_login(door_user)

    text = client.get(f"/door/{entrance.pk}/scan/").content.decode()

    assert 'rel="manifest" href="/door/manifest.webmanifest"' in text
    assert '<meta name="samla-service-worker" content="/door/sw.js" data-scope="/door/">' in text
    assert f'data-scanner-version="{scanner_version()}"' in text
    assert "/api/checkin/checkpoints/" in text
