"""Whatever a user or a client sends to a form or a filter, the answer is never a 500 and
nothing is written unless the input is valid."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from people.models import Identity

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "0",
            "-1",
            "13",
            "99999999999999999999",
            "2025-02-30",
            "1e9",
            "null",
            "<script>",
            "' OR 1=1 --",
            "\x00",
            "١٢٣",
        ]
    ),
)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PERSON_FIELDS = [
    "nickname",
    "birth_year",
    "birth_month",
    "gender",
    "right_to_work",
    "team",
    "assore_housed",
    "housed_since",
    "permit_valid_until",
    "consent_date",
    "status",
    "referred_by",
    "organisation",
    "creation_key",
    "version",
]
IDENTITY_FIELDS = [
    "last_name",
    "first_name",
    "birth_date",
    "nir",
    "address",
    "postal_code",
    "city",
    "phone",
]


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional={f: junk for f in PERSON_FIELDS}))
def test_person_forms(login, person, data):
    client = login("coordinator")
    for url in (reverse("people:create"), reverse("people:edit", args=[person.code])):
        assert client.post(url, data).status_code in (200, 302)
    # The search is posted (a nickname stays out of URLs); the list's filters are a GET.
    list_params = {k: v for k, v in data.items() if k in ("status", "team")}
    searched = client.post(reverse("people:list"), {**list_params, "q": data.get("nickname", "")})
    assert searched.status_code in (200, 302)
    listed = client.get(reverse("people:list"), {**list_params, "page": data.get("version", "")})
    assert listed.status_code == 200


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional={f: junk for f in IDENTITY_FIELDS}))
def test_identity_form(login, person, data):
    before = Identity.objects.count()
    response = login("payroll").post(reverse("people:identity_edit", args=[person.code]), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert Identity.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["actor", "action", "object_label", "start", "end", "page"]), junk
    )
)
def test_audit_filters(login, params):
    assert login("org_admin").get(reverse("audit:journal"), params).status_code == 200


ACTIVITY_FORMS = {
    "session": [
        "programme",
        "worksite",
        "partner",
        "supervisor",
        "date",
        "start_time",
        "end_time",
        "places",
        "hourly_rate",
        "weeks",
    ],
    "attendance": ["status", "hours", "pay", "pay_reason", "version"],
    "payment": ["key", "amount", "method", "paid_at", "receipt_number"],
    "enrol": ["person", "start_date", "override_reason"],
    "worksite": [
        "name",
        "kind",
        "domain",
        "partner",
        "address",
        "postal_code",
        "commune",
        "station",
        "walking_minutes",
    ],
    "contract": ["person", "session", "period_start", "period_end"],
}


@pytest.mark.django_db
@FUZZ
@given(
    data=st.fixed_dictionaries(
        {}, optional={f: junk for fields in ACTIVITY_FORMS.values() for f in fields}
    )
)
def test_activity_forms(login, world, data):
    from activity.models import Payment

    before = Payment.objects.count()
    urls = {
        "session": reverse("activity:session_add"),
        "attendance": reverse("activity:attendance", args=[world["participation"].pk]),
        "payment": reverse("activity:payment", args=[world["participation"].pk]),
        "enrol": reverse("activity:enrol", args=[world["programme"].pk]),
        "worksite": reverse("activity:worksite_add"),
    }
    client = login("coordinator")
    for name, url in urls.items():
        assert client.post(url, data).status_code in (200, 302), name
    payroll = login("payroll")
    assert payroll.post(reverse("activity:contract_add"), data).status_code in (200, 302)
    export = payroll.get(
        reverse("activity:payroll_export"),
        {"month": data.get("date", ""), "format": data.get("kind", "")},
    )
    assert export.status_code in (200, 302)
    assert Payment.objects.count() - before <= 1
