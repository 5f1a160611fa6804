import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent, User
from people import services
from tests.accounts.factories import BuildingFactory, EducatorFactory

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,email,building,roles\n"


def upload(client, text: str | bytes, name: str = "roster.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        reverse("people:roster_import"),
        {"roster": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


@pytest.fixture
def roster(district, building, other_district):
    BuildingFactory(district=district, name="Prairie View High")
    EducatorFactory(
        district=district,
        email="same@pv.example.org",
        first_name="Sam",
        last_name="Same",
        building=building,
    )
    EducatorFactory(
        district=district,
        email="change@pv.example.org",
        first_name="Cara",
        last_name="Change",
        building=building,
    )
    EducatorFactory(district=other_district, email="taken@lakeside.example.org")
    return (
        HEADER
        + "Nia,New,nia@pv.example.org,Prairie View High,educator; reviewer\n"
        + "Sam,Same,SAME@pv.example.org,Prairie View Elementary,educator\n"
        + "Cara,Change,change@pv.example.org,Prairie View High,educator\n"
        + "Bad,Mail,not-an-email,,educator\n"
        + "Who,Where,who@pv.example.org,Atlantis,educator\n"
        + "Tak,En,taken@lakeside.example.org,,educator\n"
        + "Rol,Es,roles@pv.example.org,,janitor\n"
        + "Nia,Again,nia@pv.example.org,,educator\n"
    )


def test_preview_shows_every_row_result_and_writes_nothing(client, district_admin, roster):
    client.force_login(district_admin)
    people_before = User.objects.count()
    response = upload(client, roster)
    assert response.status_code == 200
    rows = {r.line: r for r in response.context["preview"].rows}
    assert rows[2].result == "new"
    assert rows[3].result == "unchanged"
    assert rows[4].result == "updated" and rows[4].changes == ["building"]
    assert rows[5].result == "error" and "not a valid e-mail" in rows[5].reasons[0]
    assert rows[6].result == "error" and "no building “Atlantis”" in rows[6].reasons[0]
    assert rows[7].result == "new" and not rows[7].reasons  # another district's: told nothing
    assert rows[8].result == "error" and "Unknown role" in rows[8].reasons[0]
    assert rows[9].result == "error" and "more than once" in rows[9].reasons[0]
    html = response.content.decode()
    assert "Nothing has been saved yet" in html
    assert User.objects.count() == people_before


def test_preview_lists_every_error_of_a_row(client, district_admin, roster):
    client.force_login(district_admin)
    response = upload(
        client,
        HEADER + ",,not-an-email,Atlantis,janitor; teacher; wizard\n" + roster.split("\n", 1)[1],
    )
    first = response.context["preview"].rows[0]
    assert first.result == "error"
    assert first.reasons == [
        "“not-an-email” is not a valid e-mail address.",
        "The name is missing.",
        "Unknown roles “janitor”, “wizard”: use educator, reviewer or admin, separated by “;”.",
        "There is no building “Atlantis”; add it under Buildings first.",
    ]
    html = response.content.decode()
    for reason in first.reasons:
        assert reason in html


def test_file_with_errors_imports_nothing_by_default(client, district_admin, roster):
    client.force_login(district_admin)
    upload(client, roster)
    response = client.post(
        reverse("people:roster_confirm"),
        {"token": client.session["roster_import"]["token"], "invite_new": "on"},
    )
    assert response.status_code == 400
    assert "nothing was imported" in response.content.decode()
    assert not User.objects.filter(email="nia@pv.example.org").exists()
    assert User.objects.get(email="change@pv.example.org").building.name != "Prairie View High"


def test_only_valid_rows_are_imported_when_chosen(
    client, district_admin, roster, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(district_admin)
    upload(client, roster)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:roster_confirm"),
            {
                "token": client.session["roster_import"]["token"],
                "only_valid": "on",
                "invite_new": "on",
            },
        )
    assert response.status_code == 302
    nia = User.objects.get(email="nia@pv.example.org")
    assert nia.district == district_admin.district
    assert nia.is_educator and nia.is_reviewer and not nia.is_district_admin
    assert nia.building.name == "Prairie View High"
    assert not nia.has_usable_password()
    assert User.objects.get(email="change@pv.example.org").building.name == "Prairie View High"
    assert not User.objects.filter(email="roles@pv.example.org").exists()
    # Nia is invited; the owner of another district's address is told, nobody is created.
    assert [m.to for m in mailoutbox] == [["nia@pv.example.org"], ["taken@lakeside.example.org"]]
    assert "/district/invitation/" in mailoutbox[0].body
    assert "/district/invitation/" not in mailoutbox[1].body
    assert User.objects.get(email="taken@lakeside.example.org").district != nia.district
    assert AuditEvent.objects.filter(action="roster.imported").count() == 1
    # The stored file is used once.
    assert "roster_import" not in client.session


def test_clean_file_imports(client, district_admin, building):
    client.force_login(district_admin)
    upload(client, HEADER + "Ola,Clean,ola@pv.example.org,Prairie View Elementary,admin\n")
    response = client.post(
        reverse("people:roster_confirm"), {"token": client.session["roster_import"]["token"]}
    )
    assert response.status_code == 302
    assert User.objects.get(email="ola@pv.example.org").is_district_admin


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty"),
        (b"name,mail\nA,b@c.d\n", "missing: first_name"),
        (b"\xff\xfe\x00a\x00b", "not a CSV text file"),
        (b"first_name,last_name,email,building,roles\n\xe9\xe8\n", "not UTF-8"),
        (HEADER.encode(), "no people"),
        (HEADER.encode() + b'"unterminated,x,y@z.org,,educator\n', "not valid CSV"),
    ],
)
def test_malformed_file_gets_a_clear_error_and_writes_nothing(
    client, district_admin, content, message
):
    client.force_login(district_admin)
    before = User.objects.count()
    response = upload(client, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "roster_import" not in client.session
    assert User.objects.count() == before


def test_huge_file_is_refused(client, district_admin):
    client.force_login(district_admin)
    big = HEADER + "".join(f"A,B,p{i}@pv.example.org,,educator{' ' * 200}\n" for i in range(5000))
    assert len(big) > services.ROSTER_MAX_BYTES
    response = upload(client, big)
    assert "too large" in response.content.decode()
    assert not User.objects.filter(email="p1@pv.example.org").exists()


def test_too_many_rows_is_refused(district):
    text = HEADER + "".join(f"A,B,p{i}@x.org,,educator\n" for i in range(5001))
    with pytest.raises(services.RosterError, match="more than 5000"):
        services.roster_preview(district=district, text=text)


def test_confirm_without_a_preview_is_refused(client, district_admin):
    client.force_login(district_admin)
    response = client.post(reverse("people:roster_confirm"), {"token": "guess"})
    assert response.status_code == 302
    assert response["Location"] == reverse("people:roster_import")


def test_example_file_is_a_valid_roster(client, district_admin):
    client.force_login(district_admin)
    response = client.get(reverse("people:roster_example"))
    assert response.status_code == 200
    assert 'filename="roster-example.csv"' in response["Content-Disposition"]
    preview = services.roster_preview(
        district=district_admin.district, text=response.content.decode()
    )
    # A district with no buildings yet: the example names none, and imports as it is.
    assert [r.result for r in preview.rows] == ["new", "new", "new"]
    assert [r.building for r in preview.rows] == ["", "", ""]


def test_example_file_names_the_districts_own_buildings(client, district_admin, other_district):
    district = district_admin.district
    BuildingFactory(district=district, name="Prairie View Elementary")
    BuildingFactory(district=district, name="Prairie View High")
    BuildingFactory(district=other_district, name="Lakeside Middle")
    client.force_login(district_admin)
    text = client.get(reverse("people:roster_example")).content.decode()
    assert "Lincoln Elementary" not in text and "Central High" not in text
    assert "Lakeside Middle" not in text
    preview = services.roster_preview(district=district, text=text)
    # Each example person is in one of the district's buildings (the admin without one), and
    # the file imports as it is.
    assert [r.building for r in preview.rows] == [
        "Prairie View Elementary",
        "Prairie View High",
        "",
    ]
    assert [r.result for r in preview.rows] == ["new", "new", "new"]


@pytest.mark.parametrize(
    ("name", "method", "wrong_method"),
    [
        ("roster_import", "get", "put"),
        ("roster_example", "get", "post"),
        ("roster_confirm", "post", "get"),
    ],
)
def test_roster_access(client, educator, district_admin, name, method, wrong_method):
    url = reverse(f"people:{name}")
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(educator)
    assert getattr(client, method)(url).status_code == 403
    client.force_login(district_admin)
    assert getattr(client, wrong_method)(url).status_code == 405


def test_roster_of_one_district_never_touches_another(client, outsider_admin, educator):
    """An admin of B listing A's person by e-mail gets an error row, and nothing changes."""
    client.force_login(outsider_admin)
    upload(client, HEADER + f"Hi,Jack,{educator.email},,admin\n")
    preview = client.post(
        reverse("people:roster_confirm"),
        {"token": client.session["roster_import"]["token"], "only_valid": "on"},
    )
    assert preview.status_code == 302
    educator.refresh_from_db()
    assert not educator.is_district_admin and educator.last_name != "Jack"


def test_a_roster_cannot_take_away_the_importing_admins_own_admin_role(client, district_admin):
    """The person form refuses it, and so does a file: the district could be left with no
    admin. The row is an error in the preview; importing the valid rows leaves it alone."""
    district_admin.first_name, district_admin.last_name = "Ada", "Whitfield"
    district_admin.save()
    text = HEADER + f"Ada,Whitfield,{district_admin.email},,educator\n"
    client.force_login(district_admin)
    page = upload(client, text).content.decode()
    assert "You cannot remove your own district admin role. Keep “admin” among your roles." in (
        page
    )
    response = client.post(
        reverse("people:roster_confirm"),
        {"token": client.session["roster_import"]["token"], "only_valid": "on"},
    )
    assert response.status_code == 302
    district_admin.refresh_from_db()
    assert district_admin.is_district_admin
    assert client.get(reverse("people:list")).status_code == 200
    # Keeping the admin role among others is a change like any other.
    upload(client, HEADER + f"Ada,Whitfield,{district_admin.email},,educator;admin\n")
    client.post(
        reverse("people:roster_confirm"), {"token": client.session["roster_import"]["token"]}
    )
    district_admin.refresh_from_db()
    assert district_admin.is_district_admin and district_admin.is_educator
