"""The check_records command lists what breaks a rule, grouped by rule, and changes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from core import integrity


@pytest.fixture
def broken_rule(person):
    @integrity.rule("test-rule", "Règle de test")
    def find(today):
        yield integrity.finding(
            "test-rule", person, organisation_id=person.organisation_id, label=person.code,
            message="Date impossible.",
        )  # fmt: skip

    yield person
    del integrity.RULES["test-rule"]


@pytest.mark.django_db
def test_command_lists_each_record_with_its_rule(broken_rule):
    out = StringIO()
    call_command("check_records", "--rule", "test-rule", stdout=out)
    text = out.getvalue()
    assert "test-rule — Règle de test : 1" in text
    assert f"people.person #{broken_rule.pk} · {broken_rule.code} · Date impossible." in text
    with pytest.raises(SystemExit):
        call_command("check_records", "--rule", "test-rule", "--fail", stdout=StringIO())


@pytest.mark.django_db
def test_command_filters_by_organisation_and_refuses_unknown_rules(broken_rule, other_org):
    out = StringIO()
    call_command("check_records", "--rule", "test-rule", "--organisation", other_org.pk, stdout=out)
    assert "Aucun enregistrement" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("check_records", "--rule", "nope", stdout=StringIO())


@pytest.mark.django_db
def test_a_fresh_database_breaks_no_rule(person):
    out = StringIO()
    call_command("check_records", "--fail", stdout=out)
    assert "Aucun enregistrement" in out.getvalue()
