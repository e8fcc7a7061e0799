"""One row of the organiser's conference, named by an id from the address."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from conference.ids import parse_id


def owned_or_404(queryset, *, conference, pk):
    """The row `pk` of `conference` in `queryset`; 404 for another conference's row and for a
    number no row can have (SQLite cannot even compare with one)."""
    if parse_id(pk) is None:
        raise Http404("id")
    return get_object_or_404(queryset, conference=conference, pk=pk)
