"""The district admin's dashboard: the numbers of their own district only."""

from django.urls import reverse


def test_admin_dashboard_counts_only_its_own_district(
    client, district_admin, educator, outsider_educator, outsider_admin
):
    from tests.accounts.factories import EducatorFactory

    EducatorFactory.create_batch(3, district=outsider_admin.district)
    client.force_login(district_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.context["counts"]["people"] == 2  # the admin and the educator
    client.force_login(outsider_admin)
    response = client.get(reverse("people:admin_dashboard"))
    assert response.context["counts"]["people"] == 5
