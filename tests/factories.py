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
