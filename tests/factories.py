from datetime import date

import factory

from accounts.models import Organisation, OrganisationKind, Team, User
from people.models import Person, RightToWork, Status


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Structure {n}")
    kind = OrganisationKind.CARRIER


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Équipe {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@test.sentier")
    full_name = factory.Sequence(lambda n: f"Agent {n}")
    password = factory.PostGenerationMethodCall("set_password", "Mot-de-passe-test-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class PersonFactory(factory.django.DjangoModelFactory):
    """An eligible adult by default: 30 years old, French, housed by ASSORE."""

    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    created_by = factory.SubFactory(UserFactory)
    nickname = factory.Sequence(lambda n: f"Surnom{n}")
    birth_year = factory.LazyFunction(lambda: date.today().year - 30)
    birth_month = 6
    right_to_work = RightToWork.FRENCH
    assore_housed = True
    consent_date = factory.LazyFunction(date.today)
    status = Status.ACTIVE


def programme_world(carrier, users, person):
    """A programme of the carrier with one enrolled person, a worksite, a session today,
    the person's participation, a signed contract: what the activity tests start from."""
    from datetime import time
    from decimal import Decimal

    from activity.models import (
        Contract,
        Domain,
        Enrolment,
        Participation,
        Partner,
        Programme,
        WorkSession,
        Worksite,
    )

    today = date.today()
    programme = Programme.objects.create(
        organisation=carrier,
        name="Remobilisation test",
        start_date=today.replace(month=1, day=1),
        end_date=today.replace(month=12, day=31),
    )
    partner = Partner.objects.create(
        organisation=carrier, name="Régie de quartier", kind="association"
    )
    worksite = Worksite.objects.create(
        organisation=carrier,
        name="Atelier couture",
        kind="workshop",
        domain=Domain.objects.get_or_create(name="Couture", organisation=None)[0],
        partner=partner,
        address="3 rue Fictive",
        postal_code="75019",
        commune="Paris",
        station="Stalingrad",
        walking_minutes=5,
    )
    enrolment = Enrolment.objects.create(
        programme=programme,
        person=person,
        start_date=programme.start_date,
        created_by=users["coordinator"],
    )
    session = WorkSession.objects.create(
        organisation=carrier,
        programme=programme,
        worksite=worksite,
        partner=partner,
        supervisor=users["supervisor"],
        date=today,
        # From midnight: attendance and pay open 30 minutes before a session starts, so the
        # tests can record them whatever the hour the suite runs at.
        start_time=time(0, 0),
        end_time=time(3, 0),
        places=8,
        hourly_rate=Decimal("10.00"),
        created_by=users["supervisor"],
    )
    participation = Participation.objects.create(session=session, person=person)
    contract = Contract.objects.create(
        organisation=carrier,
        person=person,
        period_start=programme.start_date,
        period_end=programme.end_date,
        status="signed",
        signed_on=programme.start_date,
        created_by=users["payroll"],
    )
    return {
        "programme": programme,
        "partner": partner,
        "worksite": worksite,
        "enrolment": enrolment,
        "session": session,
        "participation": participation,
        "contract": contract,
    }
