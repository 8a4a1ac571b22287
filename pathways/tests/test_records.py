"""Follow-up records that cannot be wrong (issue 14): exits, notes, assessments, referrals,
goal steps and case meetings refuse what cannot be true, each with a French message by its
field and what was typed kept; the allowed twin of every refusal goes through. "Sans
nouvelles" counts only real contacts, and stored data is checked by pathways/integrity.py."""

import threading
from datetime import timedelta
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from activity.models import Enrolment, Participation
from core import integrity, validity
from core.actor import Actor
from core.dates import add_months
from pathways.models import Assessment, CaseMeeting, Exit, GoalStep, Note, Referral, Service
from pathways.services import followup
from pathways.services import notes as note_service
from people.models import Person
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)
DATE_REFUSED = "Saisissez une date"

CODES = [
    "exit-in-future",
    "exit-twice-in-pathway",
    "exit-after-enrolment",
    "note-in-future",
    "note-before-known",
    "assessment-in-future",
    "assessment-order",
    "assessment-window",
    "referral-outcome-before",
    "case-meeting-in-future",
]


def html(response) -> str:
    return unescape(response.content.decode())


def start_enrolment(world, days_ago):
    """The world's enrolment, started `days_ago` days ago (its programme covers it)."""
    start = TODAY - timedelta(days=days_ago)
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(start_date=start)
    type(world["programme"]).objects.filter(pk=world["programme"].pk).update(
        start_date=min(start, world["programme"].start_date)
    )
    return start


# --- Exits ---------------------------------------------------------------------------------


def post_exit(client, person, day):
    return client.post(
        reverse("pathways:exit", args=[person.code]),
        {"date": day.isoformat(), "kind": "neutral", "comment": "Parti sans nouvelles"},
    )


def test_exit_in_the_future_is_refused_and_today_is_accepted(login, world, person):
    client = login("social_worker")
    refused = post_exit(client, person, TOMORROW)
    assert refused.status_code == 200 and not Exit.objects.exists()
    assert "une sortie ne peut être datée dans le futur" in html(refused)
    assert "Parti sans nouvelles" in html(refused)  # what was typed stays
    assert post_exit(client, person, TODAY).status_code == 302
    assert Exit.objects.get().date == TODAY


def test_exit_before_the_pathway_is_refused_and_its_first_day_accepted(login, world, person):
    start = start_enrolment(world, 30)
    client = login("social_worker")
    refused = post_exit(client, person, start - timedelta(days=1))
    assert f"le parcours commence le {start:%d/%m/%Y}" in html(refused)
    assert not Exit.objects.exists()
    assert post_exit(client, person, start).status_code == 302


def test_exit_after_the_end_of_its_enrolment_is_refused(login, world, person):
    start = start_enrolment(world, 60)
    end = start + timedelta(days=20)
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(end_date=end)
    client = login("social_worker")
    refused = post_exit(client, person, end + timedelta(days=1))
    assert f"l'inscription se termine le {end:%d/%m/%Y}" in html(refused)
    assert not Exit.objects.exists()
    assert post_exit(client, person, end).status_code == 302


def test_an_open_enrolment_ends_with_its_programme(login, world, person):
    start = start_enrolment(world, 60)
    programme_end = start + timedelta(days=40)
    type(world["programme"]).objects.filter(pk=world["programme"].pk).update(end_date=programme_end)
    client = login("social_worker")
    refused = post_exit(client, person, programme_end + timedelta(days=1))
    assert f"l'inscription se termine le {programme_end:%d/%m/%Y}" in html(refused)
    assert post_exit(client, person, programme_end).status_code == 302


def test_one_exit_per_pathway_and_a_new_one_after_re_enrolment(login, world, person, users):
    start = start_enrolment(world, 90)
    client = login("social_worker")
    assert post_exit(client, person, start + timedelta(days=10)).status_code == 302
    second = post_exit(client, person, start + timedelta(days=20))
    assert "une seule sortie par parcours" in html(second)
    assert Exit.objects.count() == 1
    Enrolment.objects.create(
        programme=world["programme"],
        person=person,
        start_date=start + timedelta(days=30),
        created_by=users["coordinator"],
    )
    # The new pathway starts on its enrolment: an exit before it is refused...
    assert "le parcours commence le" in html(post_exit(client, person, start + timedelta(days=25)))
    # ...and one within it closes the second pathway.
    assert post_exit(client, person, start + timedelta(days=40)).status_code == 302
    assert list(Exit.objects.order_by("date").values_list("cycle", flat=True)) == [1, 2]
    assert integrity.run(TODAY, CODES) == []


def test_two_exits_validated_at_once_cannot_both_land(world, person, users):
    from pathways.forms import ExitForm

    start_enrolment(world, 30)
    actor = Actor(user=users["social_worker"])
    forms = [
        ExitForm(
            {"date": TODAY.isoformat(), "kind": "neutral"},
            organisation=person.organisation,
            person=person,
        )
        for _ in range(2)
    ]
    assert all(form.is_valid() for form in forms)  # both checked before either saves
    followup.close(actor, person, forms[0])
    with pytest.raises(ValidationError) as refused:
        followup.close(actor, person, forms[1])
    assert "une seule sortie par parcours" in str(refused.value)
    assert Exit.objects.count() == 1
    # The database refuses a second exit numbered for the same pathway, whatever writes it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Exit.objects.create(person=person, date=TODAY, kind="neutral", author=users["health"])


@pytest.mark.django_db(transaction=True)
def test_concurrent_exits_give_exactly_one(world, person, users):
    """Six writers close the same pathway at the same moment, each with its own valid form:
    one exit lands, the others are told the pathway is already closed."""
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is proven on PostgreSQL (SQLite serialises writes)")
    from pathways.forms import ExitForm

    start_enrolment(world, 30)
    barrier = threading.Barrier(6)
    outcomes = []

    def attempt():
        from django.db import connection as thread_connection

        try:
            form = ExitForm(
                {"date": TODAY.isoformat(), "kind": "neutral"},
                organisation=person.organisation,
                person=person,
            )
            valid = form.is_valid()
            barrier.wait()
            if valid:
                followup.close(Actor(user=users["social_worker"]), person, form)
                outcomes.append("closed")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Exit.objects.filter(person=person).count() == 1
    assert sorted(outcomes) == ["closed"] + ["refused"] * 5


def test_existing_exits_are_numbered_by_date(person, users):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pathways.migrations.0003_exit_cycle")
    other = PersonFactory(organisation=person.organisation, created_by=users["social_worker"])
    first = Exit.objects.create(
        person=person, date=TODAY, kind="neutral", author=users["health"], cycle=5
    )
    early = Exit.objects.create(
        person=other,
        date=TODAY - timedelta(days=9),
        kind="neutral",
        author=users["health"],
        cycle=7,
    )
    late = Exit.objects.create(
        person=other, date=TODAY, kind="neutral", author=users["health"], cycle=9
    )
    migration.number_exits(apps, None)
    assert [Exit.objects.get(pk=x.pk).cycle for x in (first, early, late)] == [1, 1, 2]


# --- Notes ---------------------------------------------------------------------------------


def post_note(client, person, day, text="Rendez-vous pris"):
    return client.post(
        reverse("pathways:note_add", args=[person.code]),
        {"date": day.isoformat(), "level": "team", "text": text},
    )


def test_note_in_the_future_is_refused_and_today_is_accepted(login, person):
    client = login("social_worker")
    refused = post_note(client, person, TOMORROW, "Texte à garder")
    assert refused.status_code == 200 and not Note.objects.exists()
    assert "une note ne peut être datée dans le futur" in html(refused)
    assert "Texte à garder" in html(refused)
    assert post_note(client, person, TODAY).status_code == 302


def test_note_before_the_person_was_known_is_refused(login, person):
    consent = TODAY - timedelta(days=10)
    Person.objects.filter(pk=person.pk).update(consent_date=consent)
    client = login("social_worker")
    refused = post_note(client, person, consent - timedelta(days=1))
    assert f"la personne est connue depuis le {consent:%d/%m/%Y}" in html(refused)
    assert not Note.objects.exists()
    assert post_note(client, person, consent).status_code == 302


def test_known_since_is_the_earlier_of_consent_and_file_creation(login, person):
    created = timezone.now() - timedelta(days=100)
    Person.objects.filter(pk=person.pk).update(
        created_at=created, consent_date=TODAY - timedelta(days=10)
    )
    client = login("social_worker")
    assert post_note(client, person, TODAY - timedelta(days=50)).status_code == 302
    too_early = post_note(client, person, timezone.localdate(created) - timedelta(days=1))
    assert DATE_REFUSED in html(too_early) and Note.objects.count() == 1


def test_editing_a_note_keeps_the_same_date_and_length_rules(login, person, users):
    client = login("social_worker")
    post_note(client, person, TODAY)
    note = Note.objects.get()
    url = reverse("pathways:note_edit", args=[person.code, note.pk])
    future = client.post(
        url, {"date": TOMORROW.isoformat(), "level": "team", "text": "Modifiée", "version": 1}
    )
    assert "une note ne peut être datée dans le futur" in html(future)
    long = "x" * (validity.NOTE_LIMIT + 1)
    too_long = client.post(
        url, {"date": TODAY.isoformat(), "level": "team", "text": long, "version": 1}
    )
    assert f"Ce texte dépasse {validity.fr_number(validity.NOTE_LIMIT)} caractères" in html(
        too_long
    )
    note.refresh_from_db()
    assert note.version == 1 and note.text == "Rendez-vous pris"
    # The service refuses on its own too, for a caller that skips the form.
    from pathways import visibility

    access = visibility.access(users["social_worker"], person)
    with pytest.raises(ValidationError) as refused:
        note_service.edit(
            Actor(user=users["social_worker"]),
            note,
            access,
            level="team",
            date=TODAY,
            text=long,
            version=1,
        )
    assert "text" in refused.value.message_dict
    limit = "y" * validity.NOTE_LIMIT
    allowed = client.post(
        url, {"date": TODAY.isoformat(), "level": "team", "text": limit, "version": 1}
    )
    assert allowed.status_code == 302
    note.refresh_from_db()
    assert note.text == limit and note.version == 2


# --- Assessments ---------------------------------------------------------------------------


def assessment(kind, day, **extra):
    return {
        "kind": kind,
        "date": day.isoformat(),
        "crack_days_last7": 4,
        "trend": "" if kind == "intake" else "same",  # an intake has no trend
        "sleep": 1,
        "meals_per_day": 2,
        "self_rated_health": 2,
        "social_ties": 1,
        "housing": "assore",
        "project": "Projet à garder",
        **extra,
    }


def post_assessment(client, person, kind, day):
    return client.post(
        reverse("pathways:assessment_add", args=[person.code]), assessment(kind, day)
    )


def test_a_follow_up_assessment_needs_the_intake_first(login, world, person):
    start = start_enrolment(world, 200)
    client = login("health")
    due = add_months(start, 3)
    refused = post_assessment(client, person, "m3", due)
    assert "Saisissez d'abord le bilan d'entrée" in html(refused)
    assert "Projet à garder" in html(refused) and not Assessment.objects.exists()
    assert post_assessment(client, person, "intake", start).status_code == 302
    assert post_assessment(client, person, "m3", due).status_code == 302


def test_a_3_month_assessment_on_the_day_of_enrolment_is_refused(login, world, person):
    """Issue 14 #4: it was accepted, then counted in the cohort table."""
    start = start_enrolment(world, 200)
    client = login("health")
    post_assessment(client, person, "intake", start)
    due = add_months(start, 3)
    window = validity.assessment_window_days()
    refused = post_assessment(client, person, "m3", start + timedelta(days=1))
    text = html(refused)
    assert f"le bilan à 3 mois est attendu le {due:%d/%m/%Y}, à {window} jours près" in text
    late = post_assessment(client, person, "m3", due + timedelta(days=window + 1))
    assert DATE_REFUSED in html(late)
    assert not Assessment.objects.filter(kind="m3").exists()
    assert post_assessment(client, person, "m3", due + timedelta(days=window)).status_code == 302


def test_the_intake_falls_within_the_window_around_the_pathway_start(login, world, person):
    start = start_enrolment(world, 200)
    window = validity.assessment_window_days()
    client = login("health")
    refused = post_assessment(client, person, "intake", start + timedelta(days=window + 1))
    assert f"le bilan d'entrée est attendu le {start:%d/%m/%Y}" in html(refused)
    assert (
        post_assessment(client, person, "intake", start + timedelta(days=window)).status_code == 302
    )


@override_settings(ASSESSMENT_WINDOW_DAYS=90)
def test_each_assessment_follows_the_earlier_ones_within_a_configured_window(login, world, person):
    start = start_enrolment(world, 300)
    client = login("health")
    intake = start + timedelta(days=60)  # allowed: the window is 90 days here
    assert post_assessment(client, person, "intake", intake).status_code == 302
    before = post_assessment(client, person, "m3", intake - timedelta(days=1))
    assert f"après le bilan d'entrée du {intake:%d/%m/%Y}" in html(before)
    assert post_assessment(client, person, "m3", intake + timedelta(days=1)).status_code == 302


def test_assessment_in_the_future_is_refused(login, world, person):
    start_enrolment(world, 5)
    client = login("health")
    refused = post_assessment(client, person, "intake", TOMORROW)
    assert "pas dans le futur" in html(refused) and not Assessment.objects.exists()
    assert post_assessment(client, person, "intake", TODAY).status_code == 302


def test_no_assessment_without_a_current_pathway(login, world, person, users):
    loner = PersonFactory(organisation=person.organisation, created_by=users["social_worker"])
    client = login("health")
    refused = post_assessment(client, loner, "intake", TODAY)
    assert "n'a pas de parcours en cours" in html(refused)
    start = start_enrolment(world, 60)
    Exit.objects.create(
        person=person, date=start + timedelta(days=10), kind="neutral", author=users["health"]
    )
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(end_date=start + timedelta(days=10))
    after_exit = post_assessment(client, person, "intake", start + timedelta(days=20))
    assert "n'a pas de parcours en cours" in html(after_exit)
    Enrolment.objects.create(
        programme=world["programme"],
        person=person,
        start_date=start + timedelta(days=30),
        created_by=users["coordinator"],
    )
    assert post_assessment(client, person, "intake", start + timedelta(days=30)).status_code == 302
    assert Assessment.objects.get().cycle == 2
    assert integrity.run(TODAY, CODES) == []


# --- Referrals, goal steps, case meetings --------------------------------------------------


def test_referral_and_its_outcome_are_not_in_the_future(login, person):
    client = login("social_worker")
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    url = reverse("pathways:referral_add", args=[person.code])
    base = {"service": service.pk, "outcome": "accepted"}
    refused = client.post(url, {**base, "date": TOMORROW.isoformat()})
    assert "une orientation ne peut être datée dans le futur" in html(refused)
    outcome = client.post(
        url, {**base, "date": TODAY.isoformat(), "outcome_date": TOMORROW.isoformat()}
    )
    assert "une suite ne peut être datée dans le futur" in html(outcome)
    assert not Referral.objects.exists()
    allowed = client.post(
        url, {**base, "date": TODAY.isoformat(), "outcome_date": TODAY.isoformat()}
    )
    assert allowed.status_code == 302 and Referral.objects.count() == 1


def test_a_step_done_is_not_in_the_future_but_one_planned_may_be(login, person, users):
    from pathways.models import Goal

    goal = Goal.objects.create(
        person=person, area="work", title="Emploi", author=users["social_worker"]
    )
    client = login("social_worker")
    url = reverse("pathways:goal_step", args=[person.code, goal.pk])
    refused = client.post(url, {"date": TOMORROW.isoformat(), "text": "CV envoyé", "done": "on"})
    assert refused.status_code == 200 and not GoalStep.objects.exists()
    assert "une étape faite ne peut être datée dans le futur" in html(refused)
    assert 'value="CV envoyé"' in html(refused)
    planned = client.post(url, {"date": TOMORROW.isoformat(), "text": "Entretien"})
    done = client.post(url, {"date": TODAY.isoformat(), "text": "CV envoyé", "done": "on"})
    assert planned.status_code == done.status_code == 302
    assert GoalStep.objects.filter(done=True).get().date == TODAY


def test_case_meeting_is_not_in_the_future(login, person):
    client = login("coordinator")
    url = reverse("pathways:complex", args=[person.code])
    data = {"participants": "CSAPA", "decisions": "Sevrage"}
    refused = client.post(url, {**data, "date": TOMORROW.isoformat()})
    assert "une réunion ne peut être datée dans le futur" in html(refused)
    assert not CaseMeeting.objects.exists()
    assert client.post(url, {**data, "date": TODAY.isoformat()}).status_code == 302


# --- "Sans nouvelles depuis 30 jours" ------------------------------------------------------


def session_on(world, day):
    session = world["session"]
    session.pk = None
    session.date = day
    session.save()
    return session


def quiet_codes(client):
    return {p.code for p in client.get(reverse("pathways:alerts")).context["quiet"]}


def test_only_a_real_contact_resets_the_quiet_clock(login, world, person, users):
    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=60))
    world["participation"].delete()
    absent = session_on(world, TODAY - timedelta(days=3))
    Participation.objects.create(session=absent, person=person, status="absent")
    excused = session_on(world, TODAY - timedelta(days=4))
    Participation.objects.create(session=excused, person=person, status="excused")
    invited = session_on(world, TODAY + timedelta(days=5))
    Participation.objects.create(session=invited, person=person, status="invited")
    # A session marked worked but planned later is no news either.
    ahead = session_on(world, TODAY + timedelta(days=6))
    Participation.objects.create(session=ahead, person=person, status="present")
    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    Referral.objects.create(
        person=person, service=service, date=TODAY, author=users["social_worker"]
    )
    client = login("social_worker")
    assert person.code in quiet_codes(client)
    worked = session_on(world, TODAY - timedelta(days=2))
    Participation.objects.create(session=worked, person=person, status="present")
    assert person.code not in quiet_codes(client)


def test_a_note_or_an_assessment_resets_the_quiet_clock_unless_it_is_future(
    login, world, person, users
):
    Person.objects.filter(pk=person.pk).update(created_at=timezone.now() - timedelta(days=60))
    world["participation"].delete()
    future = Note(
        person=person, organisation=person.organisation, level="team", date=TOMORROW,
        author=users["social_worker"],
    )  # fmt: skip
    future.seal({"text": "x"})
    future.save()
    client = login("social_worker")
    assert person.code in quiet_codes(client)
    Note.objects.filter(pk=future.pk).update(date=TODAY)
    assert person.code not in quiet_codes(client)


# --- Stored data: pathways/integrity.py ----------------------------------------------------


def found(code):
    return {(f.model, f.pk) for f in integrity.run(TODAY, [code])}


def test_each_rule_lists_the_records_breaking_it_and_only_them(world, person, users):
    start = start_enrolment(world, 200)
    author = users["health"]
    good_exit = Exit.objects.create(
        person=person, date=start + timedelta(days=100), kind="neutral", author=author, cycle=1
    )
    Enrolment.objects.filter(pk=world["enrolment"].pk).update(end_date=good_exit.date)
    assert integrity.run(TODAY, CODES) == []
    twice = Exit.objects.create(
        person=person, date=start + timedelta(days=120), kind="neutral", author=author, cycle=2
    )
    assert found("exit-twice-in-pathway") == {("pathways.exit", twice.pk)}
    assert found("exit-after-enrolment") == set()  # it closed no enrolment
    Exit.objects.filter(pk=twice.pk).update(date=TOMORROW)
    assert ("pathways.exit", twice.pk) in found("exit-in-future")
    Exit.objects.filter(pk=good_exit.pk).update(date=good_exit.date + timedelta(days=1))
    assert ("pathways.exit", good_exit.pk) in found("exit-after-enrolment")

    note = Note(
        person=person, organisation=person.organisation, level="team", date=TODAY,
        author=users["social_worker"],
    )  # fmt: skip
    note.seal({"text": "x"})
    note.save()
    assert found("note-in-future") == found("note-before-known") == set()
    Note.objects.filter(pk=note.pk).update(date=TOMORROW)
    assert found("note-in-future") == {("pathways.note", note.pk)}
    Note.objects.filter(pk=note.pk).update(date=TODAY - timedelta(days=400))
    assert found("note-before-known") == {("pathways.note", note.pk)}

    data = assessment("intake", start)
    fields = {k: v for k, v in data.items() if k not in ("kind", "date")}
    intake = Assessment.objects.create(
        person=person, kind="intake", date=start, author=author, **fields
    )
    m3 = Assessment.objects.create(
        person=person, kind="m3", date=add_months(start, 3), author=author, **fields
    )
    assert found("assessment-order") == found("assessment-window") == set()
    Assessment.objects.filter(pk=m3.pk).update(date=start + timedelta(days=1))
    assert found("assessment-window") == {("pathways.assessment", m3.pk)}
    Assessment.objects.filter(pk=intake.pk).update(date=start + timedelta(days=2))
    assert found("assessment-order") == {("pathways.assessment", m3.pk)}
    Assessment.objects.filter(pk=intake.pk).delete()
    assert found("assessment-order") == {("pathways.assessment", m3.pk)}
    Assessment.objects.filter(pk=m3.pk).update(date=TOMORROW)
    assert ("pathways.assessment", m3.pk) in found("assessment-in-future")

    service = Service.objects.create(organisation=person.organisation, name="CSAPA", kind="csapa")
    referral = Referral.objects.create(
        person=person, service=service, date=TODAY, outcome_date=TODAY, author=author
    )
    assert found("referral-outcome-before") == set()
    Referral.objects.filter(pk=referral.pk).update(outcome_date=TODAY - timedelta(days=1))
    assert found("referral-outcome-before") == {("pathways.referral", referral.pk)}
    meeting = CaseMeeting(person=person, date=TODAY, author=author)
    meeting.seal({"participants": "x", "decisions": "y"})
    meeting.save()
    assert found("case-meeting-in-future") == set()
    CaseMeeting.objects.filter(pk=meeting.pk).update(date=TOMORROW)
    assert found("case-meeting-in-future") == {("pathways.casemeeting", meeting.pk)}


def test_the_demo_breaks_no_follow_up_rule():
    from demo import builder

    assert builder.load(persons=60)
    assert Note.objects.exists() and Assessment.objects.exists()
    assert integrity.run(TODAY, CODES) == []
