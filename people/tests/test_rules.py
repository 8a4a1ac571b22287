from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from people import codes
from people.eligibility import age_in_years, check
from people.models import Person, RightToWork
from people.nir import nir_key, validate_nir
from tests.factories import OrganisationFactory, PersonFactory, UserFactory


def test_codes_are_readable_and_distinct():
    drawn = {codes.generate_code() for _ in range(2000)}
    assert len(drawn) == 2000
    assert all(codes.CODE_RE.match(code) for code in drawn)
    assert not any(ch in code for code in drawn for ch in "01OIL")


def test_code_typed_loosely_is_understood():
    assert codes.normalise_code(" 7kq 2mf ") == "7KQ-2MF"
    assert codes.normalise_code("7kq-2mf") == "7KQ-2MF"


def test_saved_persons_get_distinct_well_formed_codes(db):
    org, user = OrganisationFactory(), UserFactory()
    made = [PersonFactory(organisation=org, created_by=user).code for _ in range(5)]
    assert len(set(made)) == 5 and all(codes.CODE_RE.match(code) for code in made)


def test_code_collision_draws_again(db, monkeypatch):
    org, user = OrganisationFactory(), UserFactory()
    first = PersonFactory(organisation=org, created_by=user)
    draws = iter([first.code, "ABC-DEF"])
    monkeypatch.setattr("people.models.generate_code", lambda: next(draws))
    assert PersonFactory(organisation=org, created_by=user).code == "ABC-DEF"


VALID = "1850578006048" + f"{nir_key('1850578006048'):02d}"


def test_nir_key_is_checked():
    assert validate_nir(VALID) == VALID
    assert validate_nir(" ".join([VALID[:1], VALID[1:3], VALID[3:]])) == VALID
    wrong = VALID[:-2] + f"{(int(VALID[-2:]) + 1) % 98:02d}"
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_nir(wrong)


def test_nir_corsica_and_length():
    body = "285052A123045"
    assert validate_nir(body + f"{nir_key(body):02d}")
    with pytest.raises(ValidationError, match="15 caractères"):
        validate_nir("12345")
    with pytest.raises(ValidationError, match="commence"):
        validate_nir("5" + VALID[1:])


def test_nir_must_match_birth_date():
    with pytest.raises(ValidationError, match="date de naissance"):
        validate_nir(VALID, date(1985, 6, 1))
    assert validate_nir(VALID, date(1985, 5, 12)) == VALID


def test_age_uses_first_day_of_birth_month():
    assert age_in_years(2000, 6, date(2018, 5, 31)) == 17
    assert age_in_years(2000, 6, date(2018, 6, 1)) == 18


def person(**fields):
    base = dict(
        birth_year=1990, birth_month=1, right_to_work=RightToWork.FRENCH, assore_housed=True
    )
    base.update(fields)
    return Person(**base)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"birth_year": 2010}, "au moins 18 ans"),
        ({"birth_year": 1960}, "18–50 ans"),
        ({"birth_year": None, "birth_month": None}, "naissance ne sont pas renseignés"),
        ({"right_to_work": RightToWork.NONE}, "droit au travail"),
        (
            {"right_to_work": RightToWork.PERMIT, "permit_valid_until": date(2024, 1, 1)},
            "plus valide",
        ),
        ({"right_to_work": RightToWork.PERMIT}, "fin de validité"),
        ({"assore_housed": False}, "ASSORE"),
    ],
)
def test_ineligibility_is_explained_in_french(db, fields, reason):
    result = check(person(**fields), date(2025, 3, 1))
    assert not result.eligible
    assert any(reason in text for text in result.reasons), result.reasons


def test_eligible_person_has_no_reason(db):
    assert check(person(), date(2025, 3, 1)).eligible


class EligibilityDatabaseAgreesWithPython(TestCase):
    """The list filter (SQL) and the explanation (Python) must never disagree."""

    @settings(max_examples=60, deadline=None)
    @given(
        birth_year=st.one_of(st.none(), st.integers(1960, 2012)),
        birth_month=st.integers(1, 12),
        right=st.sampled_from(RightToWork.values),
        permit_days=st.integers(-400, 400),
        housed=st.booleans(),
        housed_days=st.one_of(st.none(), st.integers(-30, 30)),
        on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    )
    def test_same_verdict(
        self, birth_year, birth_month, right, permit_days, housed, housed_days, on
    ):
        from datetime import timedelta

        org, user = OrganisationFactory(), UserFactory()
        p = PersonFactory(
            organisation=org,
            created_by=user,
            birth_year=birth_year,
            birth_month=birth_month if birth_year else None,
            right_to_work=right,
            permit_valid_until=on + timedelta(days=permit_days),
            assore_housed=housed,
            housed_since=None if housed_days is None else on + timedelta(days=housed_days),
        )
        in_db = Person.objects.with_eligibility(on).get(pk=p.pk).is_eligible
        assert in_db == check(p, on).eligible
