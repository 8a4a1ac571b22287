"""Who may do what in a plan (issue 13 #1): a plan administrator administers the plans of
their own steering body and is the one who names other plan administrators; steps, blockers
and values change through a writing role of the action's pilot or operator organisation.
Every refusal is a 404 and changes nothing; each has its allowed twin."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Membership
from accounts.roles import Role
from audit.models import AuditEvent
from conftest import verified_client
from core.actor import Actor
from plan import loader, services
from plan.models import Action, Blocker, IndicatorValue, Plan, Step
from reporting.models import Meeting
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(carrier):
    """The 2019 protocol, steered by the carrier (whose plan administrator is conftest's)."""
    plan, _ = loader.load()
    plan.organisations.add(carrier)
    return plan


@pytest.fixture
def other_plan(other_org):
    """A plan of another steering body, with its own plan administrator."""
    other = Plan.objects.create(name="Plan d'ailleurs", start_year=2019, end_year=2021)
    other.organisations.add(other_org)
    admin = UserFactory(email="pilotage@ailleurs.test")
    Membership.objects.create(user=admin, organisation=other_org, role=Role.STEERING_ADMIN)
    return other, admin


def _client(client, user):
    return verified_client(client, user)


def test_a_plan_administrator_administers_only_their_steering_body_plans(
    client, users, plan, other_plan
):
    other, other_admin = other_plan
    admin = _client(client, users[Role.STEERING_ADMIN])
    for name in ("plan_edit", "copy", "administrators", "funding_add", "dashboard"):
        assert admin.get(reverse(f"plan:{name}", args=[other.pk])).status_code == 404, name
        assert admin.get(reverse(f"plan:{name}", args=[plan.pk])).status_code == 200, name
    renamed = admin.post(
        reverse("plan:plan_edit", args=[other.pk]),
        {"name": "Renommé", "start_year": 2019, "end_year": 2021},
    )
    assert renamed.status_code == 404
    other.refresh_from_db()
    assert other.name == "Plan d'ailleurs"
    meeting = admin.post(
        reverse("plan:meeting_add", args=[other.pk]), {"kind": "operational", "date": "2019-06-05"}
    )
    assert meeting.status_code == 404 and not Meeting.objects.exists()
    assert admin.get(reverse("plan:list")).context["plans"].get() == plan

    twin = _client(client, other_admin)  # the other body's administrator gets in
    response = twin.post(
        reverse("plan:plan_edit", args=[other.pk]),
        {"name": "Renommé", "start_year": 2019, "end_year": 2021},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.name == "Renommé"
    assert twin.get(reverse("plan:plan_edit", args=[plan.pk])).status_code == 404


def test_a_steering_admin_outside_every_steering_group_administers_nothing(client, plan):
    stray = UserFactory()
    Membership.objects.create(
        user=stray, organisation=OrganisationFactory(), role=Role.STEERING_ADMIN
    )
    c = _client(client, stray)
    assert c.get(reverse("plan:list")).status_code == 404
    assert c.get(reverse("plan:plan_edit", args=[plan.pk])).status_code == 404
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    assert c.get(reverse("plan:action_edit", args=[action.pk])).status_code == 404


def test_plan_committees_belong_to_the_plan_administrators(client, users, plan, other_plan):
    other, other_admin = other_plan
    theirs = Meeting.objects.create(
        organisation=other.organisations.get(), plan=other, kind="operational", date=date.today()
    )
    ours = Meeting.objects.create(
        organisation=plan.organisations.get(), plan=plan, kind="operational", date=date.today()
    )
    admin = _client(client, users[Role.STEERING_ADMIN])
    assert admin.get(reverse("reporting:meeting", args=[theirs.pk])).status_code == 404
    refused = admin.post(
        reverse("reporting:decision_add", args=[theirs.pk]),
        {"text": "X", "owner": "Y", "due_date": "2019-07-01", "status": "open"},
    )
    assert refused.status_code == 404 and not theirs.actions.exists()
    assert admin.get(reverse("reporting:meeting", args=[ours.pk])).status_code == 200
    assert (
        _client(client, other_admin).get(reverse("reporting:meeting", args=[theirs.pk])).status_code
        == 200
    )


# --- Naming plan administrators -------------------------------------------------------------


def test_a_plan_administrator_invites_and_withdraws_the_role(
    client, users, carrier, plan, mailoutbox
):
    admin_user = users[Role.STEERING_ADMIN]
    newcomer = UserFactory(email="nouvelle@pilotage.test")
    admin = _client(client, admin_user)
    url = reverse("plan:administrators", args=[plan.pk])
    page = admin.get(url)
    assert page.status_code == 200 and admin_user.email in page.content.decode()

    response = admin.post(
        url,
        {"email": "Nouvelle@Pilotage.test", "full_name": "N. P.", "organisation": carrier.pk},
        follow=True,
    )
    assert "Invitation envoyée par courriel" in response.content.decode()
    membership = Membership.objects.get(user=newcomer, organisation=carrier)
    assert membership.role == Role.STEERING_ADMIN
    assert membership.invitation_pending and not membership.is_active
    assert [m.to for m in mailoutbox] == [["nouvelle@pilotage.test"]]
    assert AuditEvent.objects.filter(actor=admin_user, object_id=str(membership.pk)).exists()
    assert AuditEvent.objects.filter(actor=admin_user, object_id=str(plan.pk)).exists()
    assert "invitation en attente" in admin.get(url).content.decode()

    newcomer_client = verified_client(client.__class__(), newcomer)
    plan_edit = reverse("plan:plan_edit", args=[plan.pk])
    assert newcomer_client.get(plan_edit).status_code == 404  # not before accepting
    newcomer_client.post(
        reverse("accounts:invitations"), {"membership": membership.pk, "answer": "accept"}
    )
    assert newcomer_client.get(plan_edit).status_code == 200

    admin.post(url, {"withdraw": membership.pk})
    assert not Membership.objects.filter(user=newcomer, organisation=carrier).exists()
    assert AuditEvent.objects.filter(actor=admin_user, object_id=str(membership.pk)).count() == 2
    assert newcomer_client.get(plan_edit).status_code == 404


def test_a_new_address_gets_an_account_and_the_same_words(client, users, carrier, plan, mailoutbox):
    admin = _client(client, users[Role.STEERING_ADMIN])
    url = reverse("plan:administrators", args=[plan.pk])
    response = admin.post(
        url,
        {"email": "inconnue@pilotage.test", "full_name": "I. P.", "organisation": carrier.pk},
        follow=True,
    )
    assert "Invitation envoyée par courriel" in response.content.decode()
    membership = Membership.objects.get(user__email="inconnue@pilotage.test")
    assert membership.invitation_pending and not membership.user.has_usable_password()
    assert [m.to for m in mailoutbox] == [["inconnue@pilotage.test"]]


def test_only_a_plan_administrator_names_plan_administrators(client, users, carrier, plan):
    url = reverse("plan:administrators", args=[plan.pk])
    for role in (Role.COORDINATOR, Role.ORG_ADMIN):  # members of the steering group
        c = _client(client, users[role])
        assert c.get(url).status_code == 404, role
        assert c.post(
            url, {"email": users[role].email, "organisation": carrier.pk}
        ).status_code == (404)
    assert (
        not Membership.objects.filter(role=Role.STEERING_ADMIN)
        .exclude(user=users[Role.STEERING_ADMIN])
        .exists()
    )
    assert _client(client, users[Role.STEERING_ADMIN]).get(url).status_code == 200


def test_the_role_is_given_only_in_the_plan_steering_group(client, users, plan, other_org):
    newcomer = UserFactory(email="ailleurs@pilotage.test")
    admin = _client(client, users[Role.STEERING_ADMIN])
    url = reverse("plan:administrators", args=[plan.pk])
    refused = admin.post(
        url, {"email": newcomer.email, "full_name": "A", "organisation": other_org.pk}
    )
    assert (
        refused.status_code == 200 and "Structure du comité de pilotage" in refused.content.decode()
    )
    assert not newcomer.memberships.exists()
    # The service refuses too, whatever the form offers.
    with pytest.raises(ValidationError, match="comité de pilotage du plan"):
        services.grant_plan_admin(
            Actor(user=users[Role.STEERING_ADMIN]),
            plan,
            other_org,
            newcomer.email,
            base_url="http://testserver",
        )
    assert not newcomer.memberships.exists()


def test_giving_the_role_says_why_it_cannot(client, users, carrier, plan, mailoutbox):
    admin_user = users[Role.STEERING_ADMIN]
    admin = _client(client, admin_user)
    url = reverse("plan:administrators", args=[plan.pk])
    before = Membership.objects.count()
    other_role = admin.post(
        url, {"email": users[Role.HEALTH].email, "full_name": "S", "organisation": carrier.pk}
    ).content.decode()
    assert "un autre rôle dans cette structure" in other_role
    assert Membership.objects.get(user=users[Role.HEALTH]).role == Role.HEALTH
    already = admin.post(
        url, {"email": admin_user.email, "full_name": "S", "organisation": carrier.pk}
    ).content.decode()
    assert "administre déjà le plan" in already
    garbage = admin.post(url, {"email": "x" * 300, "full_name": "", "organisation": "9" * 30})
    assert garbage.status_code == 200
    assert Membership.objects.count() == before and not mailoutbox
    own = admin_user.memberships.get()
    refused = admin.post(url, {"withdraw": own.pk}, follow=True)
    assert "votre propre rôle" in refused.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()  # nobody withdraws their own role
    assert admin.post(url, {"withdraw": "9" * 40}).status_code == 302


# --- Editing steps, blockers and values ------------------------------------------------------


@pytest.fixture
def operator(plan):
    """An operator organisation of action 1, in the steering group, with an outreach worker
    and a coordinator."""
    org = OrganisationFactory(name="CAARUD opérateur", kind="caarud")
    plan.organisations.add(org)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(org)
    people = {}
    for role in (Role.OUTREACH, Role.COORDINATOR):
        people[role] = UserFactory()
        Membership.objects.create(user=people[role], organisation=org, role=role)
    return action, people


def _edit_everything(c, action):
    step = action.steps.first()
    blocker = Blocker.objects.create(
        step=step, description="F", owner="O", raised_on=date(2019, 3, 1)
    )
    indicator = action.indicators.first()
    return [
        c.post(reverse("plan:step_status", args=[step.pk]), {"status": "done"}).status_code,
        c.post(
            reverse("plan:blocker_add", args=[step.pk]),
            {"description": "Nouveau frein", "owner": "X", "raised_on": "2019-04-01"},
        ).status_code,
        c.post(
            reverse("plan:blocker_resolve", args=[blocker.pk]), {"resolution": "Levé"}
        ).status_code,
        c.post(
            reverse("plan:value_add", args=[indicator.pk]),
            {"period_start": "2020-01-01", "value": "12"},
        ).status_code,
    ]


def test_an_outreach_worker_of_an_operator_changes_nothing(client, plan, operator):
    action, people = operator
    c = _client(client, people[Role.OUTREACH])
    assert c.get(reverse("plan:action", args=[action.pk])).status_code == 200  # reads it
    assert _edit_everything(c, action) == [404, 404, 404, 404]
    step = action.steps.first()
    step.refresh_from_db()
    assert step.status == "not_started"
    assert not Blocker.objects.filter(description="Nouveau frein").exists()
    assert not Blocker.objects.filter(resolved_on__isnull=False).exists()
    assert not IndicatorValue.objects.exists()
    assert "Lever le frein" not in c.get(reverse("plan:action", args=[action.pk])).content.decode()


def test_a_coordinator_of_an_operator_changes_its_action(client, plan, operator):
    action, people = operator
    c = _client(client, people[Role.COORDINATOR])
    assert _edit_everything(c, action) == [302, 302, 302, 302]
    assert action.steps.first().status == "done"
    assert Blocker.objects.filter(description="Nouveau frein").exists()
    assert IndicatorValue.objects.get().value == 12
    # ...and only its own: an action it neither pilots nor operates answers 404.
    other = Step.objects.filter(action__objective__axis__plan=plan, action__number=2).first()
    refused = c.post(reverse("plan:step_status", args=[other.pk]), {"status": "done"})
    assert refused.status_code == 404
    other.refresh_from_db()
    assert other.status == "not_started"


def test_the_plan_administrator_changes_every_action_of_their_plan(client, users, plan, other_plan):
    action = Action.objects.get(objective__axis__plan=plan, number=2)  # piloted by nobody here
    admin = _client(client, users[Role.STEERING_ADMIN])
    assert _edit_everything(admin, action) == [302, 302, 302, 302]
    other, other_admin = other_plan
    stranger = _client(client, other_admin)
    action3 = Action.objects.get(objective__axis__plan=plan, number=3)
    assert _edit_everything(stranger, action3) == [404, 404, 404, 404]


# --- Indicator values: bad input is a French message, never a 500 ----------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        ("1e309", "trop grande pour être plausible"),
        ("-1e309", "positif ou nul"),
        ("NaN", "pas un nombre"),
        ("sNaN", "pas un nombre"),
        ("Infinity", "trop grande pour être plausible"),
        ("-Infinity", "positif ou nul"),
        ("1" * 29, "trop grande pour être plausible"),
        ("9" * 31, "trop long pour être une valeur plausible"),
        ("999999999999.999", "entiers"),  # a count; amounts: test below
        ("1e-999999999", "entiers"),
        ("١٢", None),  # Arabic-Indic digits: Decimal reads them as 12
    ],
)
def test_absurd_indicator_values_get_a_french_message(client, plan, operator, value, message):
    action, people = operator
    indicator = action.indicators.first()  # a yearly count
    c = _client(client, people[Role.COORDINATOR])
    response = c.post(
        reverse("plan:value_add", args=[indicator.pk]),
        {"period_start": "2020-01-01", "value": value},
        follow=True,
    )
    assert response.status_code == 200
    if message is None:
        assert IndicatorValue.objects.get().value == 12
    else:
        assert message in response.content.decode()
        assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("raw", ["999999999999.995", "1000000000000", "1e12", "1E+400"])
def test_amounts_rounding_past_the_column_are_refused(plan, raw):
    indicator = Action.objects.get(objective__axis__plan=plan, number=1).indicators.first()
    indicator.unit = indicator.Unit.EUROS
    with pytest.raises(ValidationError, match="trop grande"):
        services.parse_value(indicator, raw)
    assert services.parse_value(indicator, "999999999999.99") == Decimal("999999999999.99")
