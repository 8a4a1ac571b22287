"""Issue 14: hostile values posted to every form of the project — dates far in the past and the
future, huge strings, markup, negative numbers, wrong types — never answer 500, never change
anything when the form is refused, and never leave a record that breaks a rule of Sentier
(core/integrity.py, the same rules `manage.py check_records` lists).

The forms are those every role reaches by following links (tests/test_fuzz_forms.py reads
them from the pages). For each form, Hypothesis draws each field either as the page offers it
(so the view's own checks run past validation) or as a hostile value of its kind. Every
request runs in a savepoint rolled back afterwards, so each form meets the same world."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import verified_client
from core import integrity
from tests.test_fuzz_forms import collect_forms, site_world  # noqa: F401 - fixture

# Tables a refused request may still write: the session and its second-factor marks, the
# sign-in throttling, the journal of what was viewed, the last login.
MOVING_TABLES = ("django_session", "axes_", "audit_", "otp_", "accounts_user")


def _dates():
    today = timezone.localdate()
    near = [today + timedelta(days=d) for d in (-36500, -400, -30, -1, 1, 26, 400, 36500)]
    return [
        "0001-01-01",
        "1800-01-01",
        "1899-12-31",
        "2101-01-01",
        "9999-12-31",
        "2025-02-30",
        "-5",
        "abc",
        *(day.isoformat() for day in near),
    ]


NUMBERS = ["-1", "-5", "0", "1e309", "-1e309", "NaN", str(2**63), "3.999", "-0.01", "99999999"]
TEXTS = [
    "x" * 200_000,
    "é" * 5001,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    '=HYPERLINK("http://x")',
    "\x00",
    " ",
    "١٢٣",
]
CHOICES = ["", "999999", "-1", str(2**63), "<b>", "on"]


def hostile(kind):
    """Hostile values for a field of this input type; every kind also gets the others' worst
    (a text in a date, a date in a number)."""
    own = {
        "date": _dates(),
        "datetime-local": [f"{d}T12:00" for d in _dates()[:8]] + ["2026-01-01T25:99"],
        "month": ["0000-00", "9999-12", "2026-13", "abc"],
        "time": ["25:00", "-1:00", "abc", "23:59"],
        "number": NUMBERS,
        "text": TEXTS,
        "textarea": TEXTS,
        "search": TEXTS,
        "email": ["a@b", "x" * 300 + "@example.org", "<a>@b.c"],
        "select": CHOICES,
        "radio": CHOICES,
        "checkbox": CHOICES,
        "hidden": ["", "-1", str(2**63), "not-a-uuid"],
    }.get(kind, TEXTS)
    return st.sampled_from(own) | st.sampled_from(_dates()[:6] + NUMBERS[:5] + TEXTS[2:5])


def dump():
    """Every row of every table a refused request must leave alone, as text."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table.startswith(MOVING_TABLES):
                continue
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def attack(client, method, url, data):
    """Post once in a savepoint: the status, whether a refusal changed something, and the
    records left breaking a rule — then roll everything back."""
    today = timezone.localdate()
    with transaction.atomic():
        before = dump()
        response = getattr(client, method)(url, data)
        changed = response.status_code != 302 and method == "post" and dump() != before
        broken = integrity.run(today)
        transaction.set_rollback(True)
    return response.status_code, changed, broken


PROPERTY = settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post_hostile(client, method, url, strategy):
    """Hypothesis draws the form's fields; any 500, changed refusal or broken rule fails,
    with the (shrunk) values that caused it."""

    @PROPERTY
    @given(data=strategy)
    def one(data):
        status, changed, broken = attack(client, method, url, data)
        problems = ["500"] if status == 500 else []
        if changed:
            problems.append(f"refused (HTTP {status}) but changed the database")
        problems += [f"{b.rule}: {b.model} #{b.pk} {b.message}" for b in broken]
        shown = {k: v if len(str(v)) < 60 else f"{str(v)[:20]}…({len(v)})" for k, v in data.items()}
        assert not problems, (problems, shown)

    one()


@pytest.mark.crawl
@pytest.mark.django_db
def test_hostile_values_in_every_form_change_nothing_and_break_no_rule(client, users, site_world):  # noqa: F811
    client.raise_request_exception = False
    forms = collect_forms(client, users)
    assert len(forms) > 40, sorted(forms)
    assert not integrity.run(timezone.localdate()), "the world itself breaks a rule"
    failures = []
    signed_in_as = None
    for (method, _shape, names), (role, url, form) in sorted(forms.items()):
        if role != signed_in_as:
            verified_client(client, users[role])
            signed_in_as = role
        offered = {name: value for name, value in form["fields"].items() if value is not None}
        strategy = st.fixed_dictionaries(
            {
                name: st.sampled_from([offered.get(name, "")]) | hostile(form["kinds"].get(name))
                for name in names
            }
        )

        try:
            post_hostile(client, method, url, strategy)
        except AssertionError as error:
            failures.append(f"{role:14} {method.upper()} {url}: {str(error)[:1500]}")
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_property_fails_when_a_hostile_value_is_stored_or_a_refusal_writes(login, person):
    """The twin that proves the property can fail: a rule that flags markup in a nickname is
    found by Hypothesis through the person form, and a refused request that wrote is seen."""
    from django.urls import reverse

    @integrity.rule("test-markup-nickname", "Balise dans un surnom")
    def find(today):
        for p in type(person).objects.filter(nickname__contains="<"):
            yield integrity.finding(
                "test-markup-nickname", p, organisation_id=None, label=p.code, message="balise"
            )

    client = login("coordinator")
    url = reverse("people:edit", args=[person.code])
    page = client.get(url).content.decode()
    from tests.test_fuzz_forms import read_page

    form = next(f for f in read_page(url, page)[1] if "nickname" in f["fields"])
    offered = {k: v for k, v in form["fields"].items() if v is not None}
    strategy = st.fixed_dictionaries(
        {k: st.just(v) for k, v in offered.items()} | {"nickname": st.just(TEXTS[2])}
    )
    try:
        with pytest.raises(AssertionError, match="test-markup-nickname"):
            post_hostile(client, "post", url, strategy)
    finally:
        del integrity.RULES["test-markup-nickname"]
    with transaction.atomic():
        before = dump()
        type(person).objects.filter(pk=person.pk).update(nickname="changé")
        assert dump() != before
        transaction.set_rollback(True)
