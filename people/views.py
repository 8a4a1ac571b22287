import secrets
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import access
from accounts.models import Team
from accounts.roles import Perm
from audit.models import Action
from audit.services import record
from core.concurrency import STALE_MESSAGE
from people import services, visibility
from people.forms import IdentityForm, OverrideForm, PersonFilterForm, PersonForm
from people.models import Identity, Person

# The nickname or code searched for never travels in a URL (access logs, browser history):
# the search form is a POST, the text is kept in the session under a random key, and the
# list's URL carries that key only.
SEARCHES = "people_searches"
SEARCH_KEY = "recherche"
KEPT_SEARCHES = 20
FILTERS = ("status", "team", "eligible")


def _visible(request):
    return Person.objects.visible_to(request.user)


def _person(request, code, perm=Perm.PERSON_VIEW) -> Person:
    """The person if the user may see them *and* holds perm in their organisation; else 404."""
    person = get_object_or_404(_visible(request).select_related("organisation", "team"), code=code)
    # Seeing is visible_to's decision (it includes files a partner shared with us);
    # anything more needs the permission in the person's own organisation.
    if perm != Perm.PERSON_VIEW and not access.holds_in(
        request.user, person.organisation.pk, perm=perm
    ):
        raise Http404
    return person


def _list_url(params: dict) -> str:
    url = reverse("people:list")
    return f"{url}?{urlencode(params)}" if params else url


def _remember_search(request, text: str) -> str:
    """Keep the searched text in the session; return the key the URL will carry."""
    kept = request.session.get(SEARCHES, {})
    key = secrets.token_urlsafe(8)
    kept[key] = text
    request.session[SEARCHES] = dict(list(kept.items())[-KEPT_SEARCHES:])
    return key


@never_cache
@access.requires(perm=Perm.PERSON_VIEW)
@require_http_methods(["GET", "POST"])
def person_list(request):
    orgs = access.require_organisations(request.user, perm=Perm.PERSON_VIEW)
    teams = Team.objects.filter(organisation__in=orgs)
    if request.method == "POST":
        form = PersonFilterForm(request.POST, teams=teams)
        if form.is_valid():
            data = form.cleaned_data
            params = {name: request.POST.get(name, "") for name in FILTERS}
            params = {name: value for name, value in params.items() if value}
            if data["q"]:
                params[SEARCH_KEY] = _remember_search(request, data["q"])
            return redirect(_list_url(params))
    else:
        if set(request.GET) - {*FILTERS, SEARCH_KEY, "page"}:
            # A text typed into the address bar (?q=…) is neither searched nor echoed back
            # in the pagination links: the list answers at a URL without it.
            kept = {k: v for k, v in request.GET.items() if k in {*FILTERS, SEARCH_KEY, "page"}}
            return redirect(_list_url(kept))
        query = request.GET.copy()
        key = request.GET.get(SEARCH_KEY)
        query["q"] = request.session.get(SEARCHES, {}).get(key, "") if key else ""
        if key and not query["q"]:
            messages.info(request, "Cette recherche a expiré : saisissez-la à nouveau.")
        form = PersonFilterForm(query, teams=teams)
    persons = (
        _visible(request)
        .with_eligibility(date.today())
        .select_related("organisation", "team")
        .order_by("-created_at", "-pk")
    )
    if form.is_valid():
        data = form.cleaned_data
        persons = persons.search(data["q"])
        if data["status"]:
            persons = persons.filter(status=data["status"])
        if data["team"]:
            persons = persons.filter(team=data["team"])
        if data["eligible"]:
            persons = persons.filter(is_eligible=data["eligible"] == "yes")
    # Pagination links keep the query string: filters and the search key, never a text.
    page = Paginator(persons, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "people/list.html",
        {
            "title": "Personnes suivies",
            "form": form,
            "page_obj": page,
            "can_create": access.holds(request.user, perm=Perm.PERSON_EDIT),
        },
    )


@access.requires(perm=Perm.PERSON_EDIT)
@require_http_methods(["GET", "POST"])
def person_create(request):
    orgs = access.require_organisations(request.user, perm=Perm.PERSON_EDIT)
    form = PersonForm(request.POST or None, organisations=orgs, user=request.user)
    if request.method == "POST" and form.is_valid():
        person, created = services.register_person(request.actor, form)
        if created:
            messages.success(request, f"Personne enregistrée sous le code {person.code}.")
        else:
            messages.info(request, f"Ce formulaire avait déjà été enregistré ({person.code}).")
        return redirect("people:detail", code=person.code)
    return render(request, "people/form.html", {"title": "Enregistrer une personne", "form": form})


def _detail_context(request, person, override_form=None):
    user, org = request.user, person.organisation
    return {
        "title": f"Personne {person.code}",
        "person": person,
        "eligibility": person.eligibility(),
        "can_edit": access.holds_in(user, org.pk, perm=Perm.PERSON_EDIT),
        "can_override": access.holds_in(user, org.pk, perm=Perm.ELIGIBILITY_OVERRIDE),
        "can_identity": access.holds_in(user, org.pk, perm=Perm.IDENTITY),
        "can_follow": visibility.access(user, person).any,
        "override_form": override_form or OverrideForm(),
    }


@never_cache
@access.requires(perm=Perm.PERSON_VIEW)
def person_detail(request, code):
    person = _person(request, code)
    record(request.actor, Action.VIEW, person)
    return render(request, "people/detail.html", _detail_context(request, person))


@access.requires(perm=Perm.PERSON_EDIT)
@require_http_methods(["GET", "POST"])
def person_edit(request, code):
    person = _person(request, code, Perm.PERSON_EDIT)
    orgs = access.require_organisations(request.user, perm=Perm.PERSON_EDIT)
    form = PersonForm(request.POST or None, instance=person, organisations=orgs, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.actor, person, form)
        except services.StaleEdit:
            form.add_error(None, STALE_MESSAGE)
            form.data = form.data.copy()
            form.data["version"] = Person.objects.get(pk=person.pk).version
        else:
            messages.success(request, "Modifications enregistrées.")
            return redirect("people:detail", code=person.code)
    return render(
        request,
        "people/form.html",
        {"title": f"Modifier {person.code}", "form": form, "person": person},
    )


@access.requires(perm=Perm.ELIGIBILITY_OVERRIDE)
@require_POST
def eligibility_override(request, code):
    person = _person(request, code, Perm.ELIGIBILITY_OVERRIDE)
    form = OverrideForm(request.POST)
    if form.is_valid():
        services.override_eligibility(request.actor, person, form.cleaned_data["reason"])
        messages.success(request, "Dérogation enregistrée.")
        return redirect("people:detail", code=person.code)
    context = _detail_context(request, person, override_form=form)
    return render(request, "people/detail.html", context)


@access.requires(perm=Perm.ELIGIBILITY_OVERRIDE)
@require_POST
def eligibility_revoke(request, code):
    person = _person(request, code, Perm.ELIGIBILITY_OVERRIDE)
    services.revoke_override(request.actor, person)
    messages.success(request, "Dérogation retirée.")
    return redirect("people:detail", code=person.code)


@never_cache
@access.requires(perm=Perm.IDENTITY)
def identity_detail(request, code):
    person = _person(request, code, Perm.IDENTITY)
    identity, _version = services.open_identity(request.actor, person)
    return render(
        request,
        "people/identity.html",
        {"title": f"Identité civile — {person.code}", "person": person, "identity": identity},
    )


@never_cache
@sensitive_post_parameters()
@access.requires(perm=Perm.IDENTITY)
@require_http_methods(["GET", "POST"])
def identity_edit(request, code):
    person = _person(request, code, Perm.IDENTITY)
    if request.method == "POST":
        form = IdentityForm(request.POST, person=person)
        if form.is_valid():
            try:
                services.save_identity(
                    request.actor, person, form.payload(), form.cleaned_data["version"]
                )
            except services.StaleEdit:
                form.add_error(None, STALE_MESSAGE)
                form.data = form.data.copy()
                form.data["version"] = getattr(
                    Identity.objects.filter(person=person).first(), "version", ""
                )
            else:
                messages.success(request, "Identité civile enregistrée.")
                return redirect("people:identity", code=person.code)
    else:
        current, version = services.open_identity(request.actor, person)
        form = IdentityForm(initial={**(current or {}), "version": version}, person=person)
    return render(
        request,
        "people/identity_form.html",
        {"title": f"Identité civile — {person.code}", "person": person, "form": form},
    )
