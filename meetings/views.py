"""Public pages: support meetings explained, the request form and its confirmation."""

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from kalliola.public_forms import rate_limited
from meetings import services
from meetings.forms import MeetingRequestForm

SESSION_KEY = "meetings_request_sent"


@require_http_methods(["GET", "POST"])
@rate_limited("meetings_request")
def request_page(request):
    form = MeetingRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting_request = services.submit_request(language=(get_language() or "fi")[:2], **data)
        except services.MeetingsError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_KEY] = {
                "channel": meeting_request.contact_channel,
                "emailed": bool(meeting_request.email),
            }
            return redirect("meetings:request_sent")
    return render(request, "meetings/request.html", {"form": form})


def request_sent(request):
    sent = request.session.get(SESSION_KEY)
    if not sent:
        return redirect("meetings:request")
    return render(request, "meetings/request_sent.html", {"sent": sent})
