import uuid
from datetime import date

import pytest
from django.urls import reverse

from audit.models import Action, AuditEvent
from people.models import EligibilityOverride, Person, Status
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "nickname": "Pilou",
        "birth_year": "1988",
        "birth_month": "4",
        "gender": "male",
        "right_to_work": "french",
        "assore_housed": "on",
        "housed_since": "2025-01-10",
        "consent_date": "2025-02-01",
        "status": "active",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_social_worker_registers_a_person_and_gets_a_code(login, carrier):
    client = login("social_worker")
    response = client.post(reverse("people:create"), form_data())
    person = Person.objects.get()
    assert response.status_code == 302 and person.code in response["Location"]
    assert person.organisation == carrier and person.nickname == "Pilou"
    assert AuditEvent.objects.filter(action=Action.CREATE, object_id=str(person.pk)).exists()
    page = client.get(response["Location"])
    assert person.code in page.content.decode()


def test_bad_input_is_reported_by_the_field_and_changes_nothing(login):
    client = login("social_worker")
    response = client.post(
        reverse("people:create"),
        form_data(birth_year="1850", right_to_work="permit", consent_date=None),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Saisissez une année entre {date.today().year - 100} et" in html
    assert "jusqu&#x27;à quand le titre de séjour" in html
    assert "Le suivi commence par le consentement" in html
    assert 'value="Pilou"' in html  # what was typed is kept
    assert Person.objects.count() == 0


@pytest.mark.parametrize("year", ["-5", "1800", "0", str(date.today().year - 11), "99999"])
def test_implausible_birth_years_get_the_one_age_message(login, year):
    """Issue 14 #6: age 11 was saved with only the eligibility notice; -5 and 1800 got
    messages about numbers. Every implausible year now reads the same and saves nothing."""
    response = login("social_worker").post(reverse("people:create"), form_data(birth_year=year))
    html = response.content.decode()
    assert response.status_code == 200
    assert "la personne a entre 14 et 100 ans" in html
    assert f'value="{year}"' in html  # what was typed is kept
    assert Person.objects.count() == 0


def test_a_plausible_but_ineligible_age_is_saved_with_the_notice(login):
    """The twin: 16 or 60 years old is plausible; the 18–50 rule stays an eligibility
    question, answered on the file, not a refusal."""
    client = login("social_worker")
    for age in (16, 60):
        response = client.post(
            reverse("people:create"),
            form_data(birth_year=str(date.today().year - age), creation_key=str(uuid.uuid4())),
        )
        assert response.status_code == 302
    assert Person.objects.count() == 2


def test_double_submitted_registration_creates_one_person(login):
    client = login("social_worker")
    data = form_data(creation_key="6f1c1d4e-8a4b-4c55-9d8e-0a1b2c3d4e5f")
    first = client.post(reverse("people:create"), data)
    second = client.post(reverse("people:create"), data)
    assert Person.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action=Action.CREATE).count() == 1
    other = client.post(reverse("people:create"), form_data(creation_key=str(uuid.uuid4())))
    assert other.status_code == 302 and Person.objects.count() == 2


def test_garbage_post_never_answers_500(login):
    client = login("social_worker")
    response = client.post(
        reverse("people:create"),
        {"birth_year": "abc", "birth_month": "13", "organisation": "999999", "team": "x"},
    )
    assert response.status_code == 200 and Person.objects.count() == 0


def search(client, **data):
    """The list's search form is a POST that redirects to the results."""
    return client.post(reverse("people:list"), {"q": "", **data}, follow=True)


def test_search_by_code_nickname_and_filters(login, person, carrier, users):
    other = PersonFactory(
        organisation=carrier,
        created_by=users["social_worker"],
        nickname="Zaza",
        status=Status.EXITED,
    )
    client = login("social_worker")
    url = reverse("people:list")
    loose_code = person.code.replace("-", " ").lower()
    assert person.code in search(client, q=loose_code).content.decode()
    found = search(client, q="zaz").content.decode()
    assert other.code in found and person.code not in found
    exited = client.get(url, {"status": "exited"}).content.decode()
    assert other.code in exited and person.code not in exited
    bad = client.get(url, {"status": "nonsense", "team": "abc", "page": "zz"})
    assert bad.status_code == 200
    assert search(client, status="nonsense", team="abc").status_code == 200


def test_eligibility_filter(login, person, carrier, users):
    young = PersonFactory(
        organisation=carrier, created_by=users["social_worker"], birth_year=date.today().year - 16
    )
    client = login("coordinator")
    html = client.get(reverse("people:list"), {"eligible": "no"}).content.decode()
    assert young.code in html and person.code not in html


def test_list_is_paginated(login, carrier, users):
    for _ in range(30):
        PersonFactory(organisation=carrier, created_by=users["social_worker"])
    client = login("social_worker")
    first = client.get(reverse("people:list"))
    assert first.context["page_obj"].paginator.num_pages == 2
    assert len(first.context["page_obj"]) == 25


def test_concurrent_edit_is_detected_and_typing_is_kept(login, person):
    client = login("social_worker")
    url = reverse("people:edit", args=[person.code])
    stale_version = person.version
    first = client.post(url, form_data(nickname="Premier", version=stale_version))
    assert first.status_code == 302
    second = client.post(url, form_data(nickname="Second", version=stale_version))
    html = second.content.decode()
    assert "Quelqu&#x27;un a modifié cette fiche" in html
    assert 'value="Second"' in html
    person.refresh_from_db()
    assert person.nickname == "Premier" and person.version == stale_version + 1


def test_only_coordinator_overrides_eligibility_with_a_reason(login, carrier, users):
    minor = PersonFactory(
        organisation=carrier, created_by=users["social_worker"], birth_year=date.today().year - 17
    )
    url = reverse("people:override", args=[minor.code])
    reason = "Dix-huit ans dans deux semaines, projet validé en commission."
    assert login("social_worker").post(url, {"reason": reason}).status_code == 404
    client = login("coordinator")
    short = client.post(url, {"reason": "trop court"})
    assert "au moins 20 caractères" in short.content.decode()
    assert not EligibilityOverride.objects.exists()
    client.post(url, {"reason": reason})
    assert minor.eligibility().eligible
    assert not minor.eligibility().meets_rules
    assert EligibilityOverride.objects.get().reason == reason
    page = client.get(reverse("people:detail", args=[minor.code])).content.decode()
    assert "au moins 18 ans" in page and "Admise par dérogation" in page


def test_opening_a_file_is_audited(login, person, users):
    login("health").get(reverse("people:detail", args=[person.code]))
    event = AuditEvent.objects.get(action=Action.VIEW)
    assert event.actor == users["health"] and event.object_label == person.code
    assert event.organisation == person.organisation and event.ip == "127.0.0.1"


def test_consent_moved_after_existing_notes_is_refused_and_before_them_accepted(
    login, person, users
):
    """Notes cannot precede the day a person was known (the earlier of the consent and the
    file's creation): moving the consent later must not strand notes before it."""
    from datetime import timedelta

    from pathways.models import Note

    created = person.created_at.date()
    note = Note(
        person=person,
        organisation=person.organisation,
        level="team",
        date=created - timedelta(days=20),
        author=users["social_worker"],
    )
    note.seal({"text": "Rencontre en maraude."})
    note.save()
    Person.objects.filter(pk=person.pk).update(consent_date=created - timedelta(days=30))
    client = login("social_worker")
    url = reverse("people:edit", args=[person.code])
    later = (created - timedelta(days=10)).isoformat()
    refused = client.post(url, form_data(consent_date=later, version=person.version))
    assert refused.status_code == 200
    assert "le suivi comporte des notes datées d&#x27;avant" in refused.content.decode()
    earlier = (created - timedelta(days=25)).isoformat()
    accepted = client.post(url, form_data(consent_date=earlier, version=person.version))
    assert accepted.status_code == 302
