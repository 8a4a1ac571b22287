from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from accounts import access
from accounts.journal import apply_filters, journal_for
from accounts.roles import Perm
from audit.forms import JournalFilterForm


@login_required
def journal(request):
    if not access.holds(request.user, perm=Perm.AUDIT_VIEW):
        raise Http404
    form = JournalFilterForm(request.GET or None)
    events = journal_for(request.user)
    if form.is_valid():
        events = apply_filters(events, form.cleaned_data)
    elif form.is_bound:
        # A filter that cannot be read shows nothing, never the whole journal as if filtered.
        events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/journal.html",
        {"title": "Journal d'audit", "form": form, "page_obj": page},
    )
