"""Rows of the authorization matrix (tests/authz/matrix.py) for the people and reports pages.

The matrix adds them with ``ROWS += people_and_reports_rows()``; their objects come from
``tests.reports.authz_world.build_people_and_reports`` (called while building each district).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

ADMINS_ONLY = "login 403 403 403 403 403 ok ok"
THIS_DISTRICTS_ADMIN = "login 403 403 403 403 403 ok 404"


def _foreign_people(w, actor: str) -> list[str]:
    return [w.foreign(actor).owner.email, w.foreign(actor).owner.last_name]


def _person_body(w, actor: str) -> dict:
    return {
        "first_name": "Olive",
        "last_name": f"Edited by {actor}",
        "building": w.a.buildings[0].pk,
        "is_educator": "on",
    }


def _roster_body(w, actor: str) -> dict:
    content = (
        "first_name,last_name,email,building,roles\n"
        f"Nia,New,nia-{actor}@{w.own(actor).district.slug}.example.org,,educator\n"
    ).encode()
    return {"roster": SimpleUploadedFile("roster.csv", content, content_type="text/csv")}


def _cycle_body(w, actor: str) -> dict:
    return {
        "name": f"Fall by {actor}",
        "starts_on": "2026-08-17",
        "ends_on": "2026-12-18",
        "plan_deadline": "",
        "evidence_deadline": "",
    }


def people_and_reports_rows() -> list:
    from tests.authz.matrix import Row

    def pk(key: str):
        return lambda w: {"pk": w.x(key).pk}

    # fmt: off
    return [
        # --- accounts: people, roster, buildings, goals --------------------------------------
        Row("accounts:people", get=ADMINS_ONLY, hidden=_foreign_people),
        Row(
            "accounts:person_invite",
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=lambda w, actor: {
                "first_name": "Ivy",
                "last_name": "Invited",
                "email": f"ivy-{actor}@{w.own(actor).district.slug}.example.org",
                "is_educator": "on",
            },
            redirect=lambda w: "/district/people/",
        ),
        Row(
            "accounts:person_edit",
            kwargs=lambda w: {"pk": w.owner.pk},
            get=THIS_DISTRICTS_ADMIN,
            post=THIS_DISTRICTS_ADMIN,
            data=_person_body,
        ),
        Row(
            "accounts:person_resend",
            kwargs=pk("invitee"),
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {},
            note="Records the invitation (audit) and queues the e-mail.",
        ),
        Row(
            "accounts:person_deactivate",
            kwargs=pk("leaver"),
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {},
        ),
        Row(
            "accounts:person_reactivate",
            kwargs=pk("former"),
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {},
        ),
        Row(
            "accounts:roster_import",
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=_roster_body,
            changes=False,
            note="The upload only previews; nothing is written until the admin confirms.",
        ),
        Row(
            "accounts:roster_confirm",
            post=ADMINS_ONLY,
            data=lambda w, actor: {"token": "not-from-this-session"},
            changes=False,
            redirect=lambda w: "/district/people/import/",
            note="Without a preview in the session there is nothing to import.",
        ),
        Row("accounts:roster_example", get=ADMINS_ONLY),
        Row(
            "accounts:buildings",
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=lambda w, actor: {"name": f"Annex by {actor}"},
            hidden=lambda w, actor: [w.foreign(actor).buildings[0].name],
        ),
        Row(
            "accounts:building_edit",
            kwargs=lambda w: {"pk": w.a.buildings[0].pk},
            get=THIS_DISTRICTS_ADMIN,
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {"name": f"Renamed by {actor}"},
        ),
        Row(
            "accounts:building_delete",
            kwargs=pk("doomed_building"),
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {},
        ),
        Row(
            "accounts:goals",
            get=ADMINS_ONLY,
            hidden=lambda w, actor: [w.foreign(actor).goal.title],
        ),
        Row(
            "accounts:goal_new",
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=lambda w, actor: {"title": f"Goal by {actor}", "description": "", "position": "3",
                                   "active": "on"},
        ),
        Row(
            "accounts:goal_edit",
            kwargs=lambda w: {"pk": w.a.goal.pk},
            get=THIS_DISTRICTS_ADMIN,
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {"title": f"Goal edited by {actor}", "description": "",
                                   "position": "1", "active": "on"},
        ),
        Row(
            "accounts:invitation_accept",
            kwargs=lambda w: _invitation_kwargs(w.x("invitee")),
            #    anon  owner colleague reviewer assigned chair admin other_admin
            get="ok    404   404       404      404      404   404   404",
            post="ok   404   404       404      404      404   404   404",
            data=lambda w, actor: {"new_password1": "a-long-new-secret-42",
                                   "new_password2": "a-long-new-secret-42"},
            redirect=lambda w: "/",
            note="The link is the invitee's own; anyone signed in as someone else gets 404.",
        ),
        # --- reports ---------------------------------------------------------------------------
        Row("reports:index", get=ADMINS_ONLY),
        Row("reports:funnel", get=ADMINS_ONLY),
        Row("reports:completions", get=ADMINS_ONLY),
        Row("reports:turnaround", get=ADMINS_ONLY),
        Row("reports:relicensure", get=ADMINS_ONLY, hidden=_foreign_people),
        Row("reports:salary", get=ADMINS_ONLY, hidden=_foreign_people),
        Row(
            "reports:export",
            kwargs=lambda w: {"dataset": "salary_ledger", "file_format": "csv"},
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=lambda w, actor: {},
            hidden=_foreign_people,
            note="GET streams the CSV; POST prepares it in the background (an export job).",
        ),
        Row(
            "reports:export_job",
            kwargs=lambda w: {"job_uuid": w.x("export_job").uuid},
            get=THIS_DISTRICTS_ADMIN,
        ),
        Row(
            "reports:export_download",
            kwargs=lambda w: {"job_uuid": w.x("export_job").uuid},
            get=THIS_DISTRICTS_ADMIN,
            note="Allowed: a redirect to a short-lived signed URL of the file.",
        ),
        Row("reports:rules", get=ADMINS_ONLY),
        Row(
            "reports:rule_new",
            kwargs=lambda w: {"kind": "cycle"},
            get=ADMINS_ONLY,
            post=ADMINS_ONLY,
            data=_cycle_body,
            redirect=lambda w: "/reports/rules/",
        ),
        Row(
            "reports:rule_edit",
            kwargs=lambda w: {"kind": "cycle", "pk": w.x("cycle").pk},
            get=THIS_DISTRICTS_ADMIN,
            post=THIS_DISTRICTS_ADMIN,
            data=_cycle_body,
        ),
        Row(
            "reports:rule_delete",
            kwargs=lambda w: {"kind": "credit", "pk": w.x("credit_rule").pk},
            post=THIS_DISTRICTS_ADMIN,
            data=lambda w, actor: {},
        ),
    ]
    # fmt: on


def _invitation_kwargs(person) -> dict:
    from django.utils.http import int_to_base36

    from accounts.people_services import invitation_tokens

    return {"uidb36": int_to_base36(person.pk), "token": invitation_tokens.make_token(person)}
