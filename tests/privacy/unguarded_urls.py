"""The project's URLs plus one portal form that writes without the services' guard, to prove
that the enumeration tests of tests/privacy/test_anonymised_closed_for_good.py catch it."""

from django.http import HttpResponse
from django.urls import include, path

from meetings.models import Meeting
from programme.urls import urlpatterns as project_urlpatterns


def unguarded_notes(request, pk):
    Meeting.objects.filter(case_id=pk).update(notes=request.POST.get("notes", ""))
    return HttpResponse("Saved.")


unguarded = (
    [path("asiakkuudet/<int:pk>/muistiinpanot/", unguarded_notes, name="notes")],
    "meetings_portal",
)

urlpatterns = [
    path("unguarded/", include(unguarded, namespace="unguarded_portal")),
    *project_urlpatterns,
]
