"""What this app answers when an app below it asks or tells (``submissions.signals``,
``people.signals``, ``badges.signals``, ``accounts.signals``); connected in
``apps.ReportsConfig.ready``."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import urlencode

from submissions.signals import PageSection

from . import charts, selectors, services

# A dashboard card's chart: narrower than a report's, so its text is as large.
CARD_CHART = 300


def dashboard_figures_asked(sender, *, district, **kwargs) -> list[dict]:
    """The admin dashboard's headline figures, each with a small chart and a link to the report
    whose table it comes from."""
    figures = selectors.program_headline(district=district)
    cycle = figures["cycle"]
    rates = figures["pass_rates"]
    turnaround = figures["turnaround"]
    renewal = {row["key"]: row for row in figures["renewal"]["counts"]}
    completions_url = reverse("reports:completions")
    cards = [
        {
            "key": "stages",
            "title": "Plans by stage",
            "figure": figures["open"],
            # Two figures: the plans open now, and (the bars) the funnel's every plan that ever
            # reached each stage; the words say which is which.
            "detail": "plans under way now, from draft to review. Below: every plan that "
            "reached each stage, in every cycle",
            "chart": charts.bar_chart(
                width=CARD_CHART,
                chart_id="headline-stages",
                # The funnel's figures: every plan that ever reached the stage, earned as the
                # panels decided it (a revoked award still reached it).
                title="Plans that reached each stage, in every cycle",
                items=[(stage["label"], stage["count"]) for stage in figures["stages"]],
            ),
            "url": reverse("reports:funnel"),
            "link": "Funnel: where plans stall",
        },
        {
            "key": "earned",
            "title": f"Earned in {cycle['name']}" if cycle else "Earned",
            "figure": figures["earned_in_cycle"],
            "detail": "micro-credentials earned in the cycle under way"
            if cycle
            else "micro-credentials earned (no cycle is under way)",
            "chart": charts.bar_chart(
                width=CARD_CHART,
                chart_id="headline-earned",
                title="Micro-credentials earned in the cycle, by building",
                items=[(row["name"], row["count"]) for row in figures["earned_by_building"]],
            )
            if figures["earned_by_building"]
            else None,
            "url": f"{completions_url}?{urlencode({'cycle': cycle['pk']})}"
            if cycle
            else completions_url,
            "link": "Completions by building, micro-credential and goal",
        },
        {
            "key": "pass_rate",
            "title": "Pass rate",
            "figure": "—" if rates["first_rate"] is None else f"{rates['first_rate']:g} %",
            "detail": "of evidence passes on the first attempt",
            "chart": charts.bar_chart(
                width=CARD_CHART,
                chart_id="headline-pass-rate",
                title="Pass rate on the first attempt and after resubmission, in percent",
                items=[
                    ("First attempt", rates["first_rate"]),
                    ("After resubmission", rates["after_rate"]),
                ],
                unit=" %",
            ),
            "url": completions_url,
            "link": "Pass rates",
        },
        {
            "key": "turnaround",
            "title": "Median turnaround",
            "figure": "—"
            if turnaround["review"]["median"] is None
            else f"{turnaround['review']['median']:g} days",
            "detail": f"from evidence to outcome; the target is {turnaround['target_days']} days",
            "chart": charts.bar_chart(
                width=CARD_CHART,
                chart_id="headline-turnaround",
                title="Median turnaround in days",
                items=[
                    ("Plan submission to decision", turnaround["plan"]["median"]),
                    ("Evidence submission to outcome", turnaround["review"]["median"]),
                ],
                unit=" d",
            ),
            "url": reverse("reports:turnaround"),
            "link": "Turnaround",
        },
    ]
    if figures["renewal"]["counts"]:
        closes = date_format(figures["renewal"]["ends_on"])
        if figures["renewal"]["closed"]:
            missed = renewal[selectors.RENEWAL_NOT_MET]
            title = "Missed re-licensure"
            detail = f"educators missed the renewal window that closed {closes}"
        else:
            missed = renewal[selectors.RENEWAL_AT_RISK]
            title = "At risk for re-licensure"
            detail = f"educators may miss the renewal window closing {closes}"
        cards.append(
            {
                "key": "renewal",
                "title": title,
                "figure": missed["count"],
                "detail": detail,
                "chart": charts.bar_chart(
                    width=CARD_CHART,
                    chart_id="headline-renewal",
                    title="Educators by re-licensure status",
                    items=[(row["label"], row["count"]) for row in figures["renewal"]["counts"]],
                ),
                "url": f"{reverse('reports:relicensure')}?{urlencode({'renewal': missed['key']})}",
                "link": f"Re-licensure: who is {missed['label'].lower()}",
            }
        )
    return cards


def dashboard_counts_asked(sender, *, district, **kwargs) -> dict:
    """The admin dashboard's numbers at a glance, from the cache the report stamp keeps exact."""
    return selectors.district_counts(district=district)


def dashboard_shown(sender, *, educator, **kwargs) -> PageSection | None:
    """The educator's progress against the district's rules, on their dashboard."""
    progress = selectors.educator_progress(user=educator)
    if not progress:
        return None
    return PageSection("reports/_educator_progress.html", {"progress": progress})


# --- Salary acceptances: each a transition of the change it follows, in its transaction --------


def person_moved(sender, *, person, to_district, at, **kwargs) -> None:
    services.salary_accept_moved_in(person=person, district=to_district, at=at)


def district_settings_changed(sender, *, district, changes, actor, **kwargs) -> None:
    if changes.get("accept_state_awards_for_salary", {}).get("to") is True:
        services.salary_accept_current_people(district=district, actor=actor)


def award_issued(sender, *, award, **kwargs) -> None:
    services.salary_accept_issued(award=award)


def award_revoked(sender, *, award, **kwargs) -> None:
    services.salary_acceptances_award_revoked(award=award)
