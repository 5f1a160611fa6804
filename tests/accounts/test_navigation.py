"""The role-aware navigation of the base layout: each role finds its pages."""

import re

import pytest
from django.urls import clear_script_prefix, reverse, set_script_prefix

pytestmark = pytest.mark.django_db


def nav_links(client, person) -> dict[str, str]:
    client.force_login(person)
    html = client.get(reverse("notifications:list")).content.decode()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]
    return {label: href for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)}


def test_district_admins_find_reports_in_the_navigation(client, district_admin):
    links = nav_links(client, district_admin)
    assert links["Reports"] == reverse("reports:index")
    assert list(links)[:6] == [
        "District",
        "Settings",
        "Manage catalog",
        "Reviews",
        "Awards",
        "Reports",
    ]


@pytest.mark.parametrize("who", ["educator", "reviewer"])
def test_other_roles_have_no_reports_link(client, request, who):
    assert "Reports" not in nav_links(client, request.getfixturevalue(who))


def test_state_admins_find_their_state_pages_and_no_district_page(client):
    from tests.accounts.factories import StateAdminFactory

    links = nav_links(client, StateAdminFactory())
    assert list(links) == ["State", "Awards", "Endorsements", "New district", "My account"]
    assert links["State"] == reverse("states:dashboard")
    assert links["Awards"] == reverse("states:awards")
    assert links["Endorsements"] == reverse("badges:endorsements")


def test_district_admins_find_endorsements_beside_the_catalog_they_manage(client, district_admin):
    client.force_login(district_admin)
    html = client.get(reverse("credentials:manage")).content.decode()
    tabs = html.split('aria-label="Catalog administration"', 1)[1].split("</nav>", 1)[0]
    assert f'href="{reverse("badges:endorsements")}"' in tabs


def test_the_navigation_follows_the_address_the_site_is_served_under(client, district_admin):
    """Served under a path (SCRIPT_NAME, behind a proxy), every entry carries it, as a freshly
    reversed address would, though the entries are reversed once per process."""
    nav_links(client, district_admin)  # the entries of the root, reversed and kept
    client.force_login(district_admin)
    # What the WSGI handler does for a request under /microcreds (the test client does not).
    set_script_prefix("/microcreds/")
    try:
        html = client.get("/notifications/").content.decode()
    finally:
        clear_script_prefix()
    nav = html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]

    assert 'href="/microcreds/reports/"' in nav
    assert 'href="/reports/"' not in nav
