"""Lists an organisation extends (activity domains, kinds of alternative activity, exit
reasons): shared defaults have no organisation, each organisation adds its own terms."""

from django.contrib import messages
from django.db.models import Q

from audit.models import Action
from audit.services import record


def add_term(request, model, organisation, raw_name, *, noun: str):
    """Add a term unless it exists (case-insensitively) among the shared or the
    organisation's own; tell the user what happened. Returns the new term or None."""
    max_length = model._meta.get_field("name").max_length
    name = (raw_name or "").strip()
    if not name or len(name) > max_length:
        messages.error(request, f"Saisissez le {noun} ({max_length} caractères au plus).")
        return None
    existing = model.objects.filter(Q(organisation=organisation) | Q(organisation__isnull=True))
    if existing.filter(name__iexact=name).exists():
        messages.error(request, f"« {name} » existe déjà.")
        return None
    term = model.objects.create(organisation=organisation, name=name)
    record(request.actor, Action.CREATE, term, organisation=organisation, label=name)
    messages.success(request, f"« {name} » ajouté.")
    return term
