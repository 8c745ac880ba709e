"""The admin works in a real browser under our Content-Security-Policy, with no violations."""

import pytest
from django.contrib.auth.models import Group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}`
    + `:${event.lineNumber}`
  );
});
"""
PASSWORD = "correct horse battery staple"


@pytest.fixture
def browser_page(browser):
    # The suite's one browser (tests/browser/conftest.py): Playwright's sync API allows one
    # per thread.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script(COLLECT_VIOLATIONS)
        console_errors: list[str] = []
        page.on(
            "console",
            lambda message: (
                console_errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.console_errors = console_errors
        yield page
    finally:
        context.close()


@pytest.fixture
def admin_and_group(django_user_model):
    # Database work before the browser starts: Django refuses ORM calls inside Playwright's loop.
    admin = django_user_model.objects.create_superuser("admin", "admin@example.org", PASSWORD)
    return admin, Group.objects.create(name="Editors")


def test_admin_works_under_the_content_security_policy(live_server, admin_and_group, browser_page):
    admin, group = admin_and_group
    page = browser_page
    pages = [
        "/admin/",
        "/admin/auth/user/",
        "/admin/auth/user/?q=%3Cscript%3E",
        "/admin/auth/user/add/",
        f"/admin/auth/user/{admin.pk}/change/",
        f"/admin/auth/user/{admin.pk}/password/",
        "/admin/auth/group/add/",
        f"/admin/auth/group/{group.pk}/change/",
        "/admin/axes/accessattempt/",
        "/admin/password_change/",
    ]

    response = page.goto(f"{live_server.url}/admin/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.fill("#id_username", "admin")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")

    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert page.evaluate("() => window.__cspViolations") == [], path

    # The admin's JavaScript really runs: SelectFilter2.js builds the permission picker ...
    page.goto(f"{live_server.url}/admin/auth/group/{group.pk}/change/")
    assert page.locator(".selector-available").count() == 1
    page.fill("#id_permissions_input", "film")
    page.click("#id_permissions_add_all")
    assert page.locator("#id_permissions_to option").count() > 0
    # ... and theme.js switches the colour scheme.
    before = page.evaluate("() => document.documentElement.dataset.theme || 'auto'")
    page.locator("button.theme-toggle").first.click()
    assert page.evaluate("() => document.documentElement.dataset.theme") != before
    assert page.evaluate("() => window.__cspViolations") == []
    assert not [e for e in page.console_errors if "Content Security Policy" in e]
