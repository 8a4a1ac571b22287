"""Several counts in one round trip to the database."""

from django.db.models import IntegerField, Subquery


class CountOf(Subquery):
    """COUNT(*) of a queryset, as a scalar subquery. Pass .values(field).distinct() to count
    distinct values. Used where a page needs many small counts: one query instead of many."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def counts(anchor, **subqueries) -> dict:
    """The counts, computed in one query anchored on a single row (e.g. the programme)."""
    # Prefixed: a count may be named like one of the anchor's fields or relations.
    row = (
        type(anchor)
        .objects.filter(pk=anchor.pk)
        .order_by()
        .values(**{f"count_{name}": CountOf(qs.order_by()) for name, qs in subqueries.items()})
        .get()
    )
    return {name: row[f"count_{name}"] for name in subqueries}
