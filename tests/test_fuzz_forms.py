"""Whatever a user or a client sends to a form or a filter, the answer is never a 500 and
nothing is written unless the input is valid."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.roles import Role
from conftest import verified_client
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


# --- Every form of every page, every field, extreme numbers -------------------------------
#
# The forms are read from the pages themselves: each role follows every link from the home
# page (one page per URL shape), in a world with a programme, a session, a contract, a plan and
# a committee, so a new form or field is covered the day a page links to it. Each field in turn
# gets each extreme value, the others keeping what the page offers; then every field at once.
# Every request runs in a savepoint rolled back afterwards.

EXTREMES = ["1e309", "-1e309", "NaN", str(2**63), "9999999999999999999999"]


class PageReader(HTMLParser):
    """The links and forms of a page: each form's action, method, and each field with the
    value the page offers (None for an unticked box or an empty list)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms = [], []
        self.form = self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.form = {
                "action": a.get("action") or "",
                "method": (a.get("method") or "get").lower(),
                "fields": {},
                "text": set(),  # the fields where a user types free text
                "kinds": {},  # name -> input type ("textarea", "select", "number"…)
                "maxlength": {},
            }
            self.forms.append(self.form)
            return
        if self.form is None:
            return
        fields = self.form["fields"]
        if tag == "option" and self.select is not None:
            value = a.get("value", "")
            if "selected" in a or (fields.get(self.select) in (None, "") and value):
                fields[self.select] = value
            return
        name = a.get("name")
        if not name:
            return
        kind = a.get("type") or ("text" if tag == "input" else tag)
        self.form["kinds"].setdefault(name, kind.lower())
        if (a.get("maxlength") or "").isdigit():
            self.form["maxlength"][name] = int(a["maxlength"])
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                fields.setdefault(name, None)
                if "checked" in a:
                    fields[name] = a.get("value", "on")
                return
            fields[name] = a.get("value", "")
            if kind in ("text", "search"):
                self.form["text"].add(name)
        elif tag == "button" and a.get("value") is not None:
            fields.setdefault(name, a["value"])
        elif tag == "select":
            self.select = name
            fields.setdefault(name, None)
        elif tag == "textarea":
            self.textarea = name
            fields[name] = ""
            self.form["text"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form["fields"][self.textarea] += data


def read_page(url, html):
    reader = PageReader()
    reader.feed(html)
    for form in reader.forms:
        target = urlsplit(urljoin(url, form["action"] or url))
        form["path"] = target.path
        form["url"] = target.path + (f"?{target.query}" if target.query else "")
        form["fields"].pop("csrfmiddlewaretoken", None)
    links = []
    for href in reader.links:
        target = urlsplit(urljoin(url, href))
        if target.netloc in ("", "testserver") and target.path.startswith("/"):
            links.append(target.path + (f"?{target.query}" if target.query else ""))
    return links, reader.forms


def shape(url):
    """One page per URL shape: /plan/actions/3/ and /plan/actions/4/ are the same page."""
    path, _, query = url.partition("?")
    names = sorted(part.split("=")[0] for part in query.split("&") if part)
    path = re.sub(r"/\d+/", "/N/", re.sub(r"/[0-9A-Z]{3}-[0-9A-Z]{3}/", "/CODE/", path))
    return path, tuple(names)


def ask(client, method, url, data=None):
    """One request in a savepoint rolled back afterwards: the world stays as built."""
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


def crawl(client, start="/", rollback=True):
    """Every page reachable by links from `start` for the signed-in client: [(url, html)]."""
    skip = (reverse("accounts:logout"), "/static/")
    seen, queue, pages = set(), [start], []
    while queue:
        url = queue.pop(0)
        key = shape(url)
        if key in seen or url.startswith(skip):
            continue
        seen.add(key)
        response = ask(client, "get", url) if rollback else client.get(url)
        if response.status_code == 302:  # a list of one goes straight to it
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages.append((url, html))
        queue.extend(read_page(url, html)[0])
    return pages


def collect_forms(client, users):
    """Every distinct form of every page every role reaches, with the role that saw it:
    {(method, path shape, field names): (role, url, form)}."""
    skip = {reverse("accounts:logout")}
    found = {}
    for role in Role.values:
        verified_client(client, users[role])
        for url, html in crawl(client):
            for form in read_page(url, html)[1]:
                if form["path"] in skip or not form["fields"]:
                    continue
                key = (form["method"], shape(form["path"]), tuple(sorted(form["fields"])))
                found.setdefault(key, (role, form["url"], form))
    return found


@pytest.fixture
def site_world(carrier, users, person, world):
    """What the pages link to: a programme with a session and a contract (conftest's world),
    the plan with an action piloted by the carrier, and a committee of the programme."""
    from plan.loader import load
    from plan.models import Action, Indicator
    from reporting.models import Meeting

    plan, _ = load()
    plan.organisations.add(carrier)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(carrier)
    Indicator.objects.create(action=action, name="Indicateur saisi")
    programme = world["programme"]
    Meeting.objects.create(
        organisation=carrier, programme=programme, kind="cosui", date=programme.start_date
    )
    return {**world, "plan": plan}


def _defaults(fields):
    return {name: value for name, value in fields.items() if value is not None}


@pytest.mark.crawl
@pytest.mark.django_db
def test_every_form_field_takes_extreme_numbers_without_a_500(client, users, site_world):
    client.raise_request_exception = False
    forms = collect_forms(client, users)
    reached = {path for _method, (path, _query), _names in forms}
    for expected in (
        "/plan/indicateurs/N/valeurs/",
        "/plan/N/copier/",
        "/personnes/CODE/modifier/",
    ):
        assert expected in reached, sorted(reached)
    failures = []
    signed_in_as = None
    for (method, _shape, names), (role, url, form) in sorted(forms.items()):
        if role != signed_in_as:
            verified_client(client, users[role])
            signed_in_as = role
        tries = [dict.fromkeys(names, value) for value in EXTREMES]
        # One field at a time, the others as the page offers them (so the view's own code
        # runs past validation): the three kinds of extreme are enough there.
        tries += [
            {**_defaults(form["fields"]), name: value}
            for name in names
            for value in ("1e309", "NaN", "9999999999999999999999")
        ]
        for data in tries:
            if ask(client, method, url, data).status_code == 500:
                failures.append(f"{role:14} {method.upper()} {url} {data}")
                break
    assert not failures, "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_out_of_range_choice_is_a_form_error(login, carrier, users):
    """Issue 13 #9: a key no column holds, in a multiple choice, used to be an OverflowError."""
    from plan.loader import load
    from plan.models import Plan

    plan, _ = load()
    plan.organisations.add(carrier)
    client = login("steering_admin")
    before = Plan.objects.count()
    response = client.post(
        reverse("plan:copy", args=[plan.pk]),
        {"name": "Copie", "start_year": 2030, "end_year": 2031, "actions": [str(2**63)]},
    )
    assert response.status_code == 200
    assert "n’est pas une valeur correcte" in response.content.decode().replace("'", "’")
    assert Plan.objects.count() == before


@pytest.mark.django_db
def test_huge_indicator_value_is_a_message(login, carrier):
    """Issue 13 #9: an indicator value 1e309 used to be an InvalidOperation."""
    from plan.loader import load
    from plan.models import Action, Indicator, IndicatorValue

    plan, _ = load()
    plan.organisations.add(carrier)
    action = Action.objects.get(objective__axis__plan=plan, number=1)
    action.editors.add(carrier)
    indicator = Indicator.objects.create(action=action, name="Indicateur saisi")
    client = login("coordinator")
    for raw in ("1e309", "-1e309", "NaN", str(2**63)):
        response = client.post(
            reverse("plan:value_add", args=[indicator.pk]),
            {"period_start": f"{plan.start_year}-01-01", "value": raw},
            follow=True,
        )
        assert response.status_code == 200
        assert "valeur" in response.content.decode() or "nombre" in response.content.decode()
    assert not IndicatorValue.objects.filter(indicator=indicator).exists()
