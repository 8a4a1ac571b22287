"""The demo a new user opens breaks no rule of Sentier: `check_records` lists nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo import builder


@pytest.mark.django_db
def test_the_demo_breaks_no_rule():
    assert builder.load(persons=60)
    out = StringIO()
    call_command("check_records", "--fail", stdout=out)
    assert "Aucun enregistrement n'enfreint les règles." in out.getvalue()
