"""Counting related rows without GROUP BY on the outer query.

`Count("stays")` joins every stay and groups the outer rows, so an admin changelist pays for the
whole related table twice (once for the page, once for the paginator's COUNT). A correlated
subquery is evaluated only for the rows of the page, on the foreign-key index, and Django strips
it from the paginator's COUNT(*).
"""

from django.db.models import F, Func, IntegerField, QuerySet, Subquery


def count_of(queryset: QuerySet) -> Subquery:
    """The number of rows of a queryset correlated with OuterRef(...), as an integer subquery."""
    counted = (
        queryset.order_by()
        .annotate(_n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("_n")
    )
    return Subquery(counted, output_field=IntegerField())
