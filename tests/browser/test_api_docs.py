"""The API docs (Swagger UI, served by Samla) work under the Content-Security-Policy."""

import pytest

from tests.browser.conftest import DESKTOP
from tests.browser.test_pages_fit_a_phone import csp_reports

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_without_csp_violations(live_server, page_at):
    page = page_at(DESKTOP)
    reports = csp_reports(page)

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    page.wait_for_timeout(300)

    assert page.locator(".swagger-ui .info .title").inner_text().startswith("Samla API")
    assert reports == []
