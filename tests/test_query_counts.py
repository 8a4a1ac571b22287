"""Every page that lists or sums rows runs the same number of queries with few rows and with
many: an N+1 query cannot come back. Every URL of the project is classified here, so a new
list page without a query-count check fails the first test."""

import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import Membership, Team
from activity.models import (
    AwarenessAttendance,
    AwarenessSession,
    Contract,
    Enrolment,
    Participation,
    Partner,
    PartnerNote,
    Payment,
    Programme,
    WorkSession,
    Worksite,
)
from pathways.models import Goal, GoalStep, Note, Referral, Service
from people.models import Share
from plan import loader
from plan.models import Action, Blocker, IndicatorValue
from reporting.models import ActionItem, Meeting
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

# url name -> (role reading it, how to build its arguments from the test's objects)
READ_PAGES = {
    "core:home": ("coordinator", None),
    "accounts:org_list": ("org_admin", None),
    "accounts:org_detail": ("org_admin", lambda o: [o["carrier"].pk]),
    "people:list": ("social_worker", None),
    "people:detail": ("social_worker", lambda o: [o["person"].code]),
    "audit:journal": ("org_admin", None),
    "activity:programmes": ("coordinator", None),
    "activity:programme": ("coordinator", lambda o: [o["programme"].pk]),
    "activity:enrolments": ("coordinator", lambda o: [o["programme"].pk]),
    "activity:partners": ("coordinator", None),
    "activity:partner": ("coordinator", lambda o: [o["partner"].pk]),
    "activity:worksites": ("coordinator", None),
    "activity:sessions": ("supervisor", None),
    "activity:today": ("supervisor", None),
    "activity:session": ("supervisor", lambda o: [o["session"].pk]),
    "activity:contracts": ("payroll", None),
    "activity:awareness": ("coordinator", None),
    "pathways:alerts": ("social_worker", None),
    "pathways:services": ("social_worker", None),
    "pathways:timeline": ("social_worker", lambda o: [o["person"].code]),
    "pathways:goals": ("social_worker", lambda o: [o["person"].code]),
    "pathways:shares": ("social_worker", lambda o: [o["person"].code]),
    "reporting:list": ("coordinator", None),
    "reporting:dashboard": ("coordinator", lambda o: [o["programme"].pk]),
    "reporting:meeting": ("coordinator", lambda o: [o["meeting"].pk]),
    "plan:list": ("steering_admin", None),
    "plan:dashboard": ("steering_admin", lambda o: [o["plan"].pk]),
    "plan:tracking": ("steering_admin", lambda o: [o["plan"].pk]),
    "plan:evaluation": ("steering_admin", lambda o: [o["plan"].pk, o["plan"].start_year]),
    "plan:funding": ("steering_admin", lambda o: [o["plan"].pk]),
    "plan:action": ("steering_admin", lambda o: [o["action"].pk]),
    "plan:administrators": ("steering_admin", lambda o: [o["plan"].pk]),
}  # fmt: skip
# Forms, single-object actions, downloads and sign-in pages: nothing that lists rows.
NOT_LISTS = {
    "accounts:activate", "accounts:login", "accounts:logout", "accounts:member_add",
    "accounts:member_edit", "accounts:member_reset", "accounts:member_reset_approve",
    "accounts:member_grant_approve",
    "accounts:otp_setup", "accounts:otp_verify", "accounts:team_add", "accounts:team_edit",
    "accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    # One's own pending invitations: a handful at most, read in one query.
    "accounts:invitations",
    "activity:alternative_add", "activity:alternative_kind_add", "activity:attendance",
    "activity:awareness_add", "activity:awareness_edit", "activity:contract_add",
    "activity:contract_cancel", "activity:contract_pdf", "activity:contract_sign",
    "activity:domain_add", "activity:enrol", "activity:enrolment_end", "activity:partner_add",
    "activity:partner_edit", "activity:payment", "activity:payment_reverse",
    "activity:payroll_export", "activity:programme_add", "activity:programme_edit",
    "activity:session_add", "activity:session_cancel", "activity:session_invite",
    "activity:worksite_add", "activity:worksite_edit", "core:privacy",
    "pathways:assessment_add", "pathways:complex", "pathways:exit", "pathways:exit_reason_add",
    "pathways:goal_edit", "pathways:goal_step", "pathways:note_add", "pathways:note_edit",
    "pathways:referral_add", "pathways:referral_edit", "pathways:share_revoke",
    "people:create", "people:edit", "people:identity", "people:identity_edit",
    "people:override", "people:override_revoke", "plan:action_edit", "plan:blocker_add",
    "plan:blocker_resolve", "plan:copy", "plan:funding_add", "plan:indicator_add",
    "plan:indicator_edit", "plan:meeting_add", "plan:plan_edit", "plan:step_add",
    "plan:step_status", "plan:value_add", "reporting:decision_add", "reporting:decision_status",
    "reporting:calendar", "reporting:download", "reporting:generate",
    # A frozen report shows the figures stored when it was generated: it reads no rows.
    "reporting:report",
}  # fmt: skip


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_url_is_classified():
    names = set(url_names())
    assert not READ_PAGES.keys() & NOT_LISTS
    assert names == READ_PAGES.keys() | NOT_LISTS


def worked_and_paid(session, person, users):
    part = Participation.objects.create(
        session=session, person=person, status="present", hours=3, pay_due=30
    )
    Payment.objects.create(
        participation=part,
        amount=30,
        method="cash",
        paid_at=timezone.now(),
        idempotency_key=uuid.uuid4(),
        recorded_by=users["supervisor"],
    )


def grow(o, users):
    """Add a few rows to everything the pages list."""
    carrier, programme, session = o["carrier"], o["programme"], o["session"]
    today = timezone.localdate()
    service = Service.objects.get_or_create(organisation=carrier, name="Mission", kind="youth")[0]
    team = Team.objects.create(organisation=carrier, name=f"Équipe {uuid.uuid4().hex[:6]}")
    user = UserFactory(email=f"{uuid.uuid4().hex[:8]}@test.sentier")
    Membership.objects.create(user=user, organisation=carrier, role="social_worker")
    partner = Partner.objects.create(organisation=carrier, name=f"P {team.pk}", kind="company")
    PartnerNote.objects.create(
        partner=o["partner"], date=today, text="n", author=users["coordinator"]
    )
    Worksite.objects.create(
        **{**_site(o["worksite"]), "name": f"Lieu {team.pk}", "partner": partner}
    )
    awareness = AwarenessSession.objects.create(
        programme=programme, date=today, theme="t", facilitator="f", created_by=users["coordinator"]
    )
    for _ in range(3):
        p = PersonFactory(organisation=carrier, created_by=users["social_worker"], team=team)
        Enrolment.objects.create(
            programme=programme,
            person=p,
            start_date=programme.start_date,
            created_by=users["coordinator"],
        )
        worked_and_paid(session, p, users)
        Contract.objects.create(
            organisation=carrier, person=p, session=session, created_by=users["payroll"]
        )
        AwarenessAttendance.objects.create(session=awareness, person=p)
        Referral.objects.create(
            person=p, service=service, date=today, author=users["social_worker"]
        )
        partner_org = OrganisationFactory(name=f"Partenaire {uuid.uuid4().hex[:6]}")
        Share.objects.create(
            person=o["person"], organisation=partner_org, granted_by=users["social_worker"]
        )
        for level in ("team", "social"):
            note = Note(
                person=o["person"],
                organisation=carrier,
                level=level,
                date=today,
                author=users["social_worker"],
            )
            note.seal({"text": "x"})
            note.save()
        # The followed person's own timeline: one more enrolment, session, payment each time.
        other = Programme.objects.create(
            organisation=carrier,
            name=f"Programme {uuid.uuid4().hex[:6]}",
            start_date=programme.start_date,
            end_date=programme.end_date,
        )
        Enrolment.objects.create(
            programme=other,
            person=o["person"],
            start_date=other.start_date,
            created_by=users["coordinator"],
        )
        later = WorkSession.objects.get(pk=session.pk)
        later.pk, later.programme = None, other
        later.date = session.date - timedelta(days=WorkSession.objects.count())
        later.save()
        worked_and_paid(later, o["person"], users)
        AwarenessAttendance.objects.create(session=awareness, person=o["person"]) if not (
            AwarenessAttendance.objects.filter(session=awareness, person=o["person"]).exists()
        ) else None
        Referral.objects.create(
            person=o["person"], service=service, date=today, author=users["social_worker"]
        )
        goal = Goal.objects.create(
            person=o["person"], area="work", title="t", author=users["social_worker"]
        )
        GoalStep.objects.create(goal=goal, date=today, text="s")
        ActionItem.objects.create(meeting=o["meeting"], text="a", owner="o", due_date=today)
        Meeting.objects.create(
            organisation=carrier, programme=programme, kind="cosui", date=today + timedelta(days=30)
        )
    for action in Action.objects.filter(objective__axis__plan=o["plan"])[:5]:
        step = action.steps.first()
        if step:
            Blocker.objects.create(step=step, description="b", owner="o", raised_on=today)
        for indicator in action.indicators.all()[:2]:
            IndicatorValue.objects.create(
                indicator=indicator,
                value=1,
                entered_by=user,
                period_start=date(o["plan"].start_year, 1, 1),
            )
    session.places = 100
    session.save()


def _site(worksite):
    return {
        f.attname: getattr(worksite, f.attname)
        for f in Worksite._meta.concrete_fields
        if f.attname != "id"
    }


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_reading_pages_do_not_grow_with_rows(login, world, carrier, users, person):
    plan, _ = loader.load()
    plan.organisations.add(carrier)  # a plan administrator administers their body's plans
    # With a single organisation the list redirects to it: give the administrator two.
    Membership.objects.create(
        user=users["org_admin"], organisation=OrganisationFactory(), role="org_admin"
    )
    objects = {
        **world,
        "carrier": carrier,
        "person": person,
        "plan": plan,
        "action": Action.objects.filter(objective__axis__plan=plan).order_by("number")[0],
        "meeting": Meeting.objects.create(
            organisation=carrier,
            programme=world["programme"],
            kind="cosui",
            date=timezone.localdate(),
        ),
    }
    urls = {
        name: (role, reverse(name, args=args(objects) if args else None))
        for name, (role, args) in READ_PAGES.items()
    }

    def measure():
        result = {}
        for role in sorted({role for role, _ in urls.values()}):
            client = login(role)  # one client, signed in as each role in turn
            for name, (page_role, url) in urls.items():
                if page_role == role:
                    result[name] = count_queries(client, url)
        return result

    grow(objects, users)  # every list holds rows before the first measure
    # The first view of a funders' dashboard publishes the last closed month (once, frozen in
    # the ledger); what must not grow with rows is reading it, measured from the second view.
    measure()
    before = measure()
    grow(objects, users)
    grow(objects, users)
    assert measure() == before
