"""Error reports without values: the mails to ADMINS and the log lines of a server error.

Django's own reports carry the form's fields, the query string, the cookies, the variables of
every frame and the exception's message; any of them may be what a person typed about a child.
These keep what finds the bug (the exception's class, the traceback's files, lines and code, the
path and method of the request, the names of the fields) and drop every value.
"""

import logging
import re
import traceback

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

WITHHELD = "********"
# Request headers whose value says nothing about a person and helps to find a bug.
SAFE_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "PATH_INFO",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "wsgi.url_scheme",
    }
)


class ValueFreeReporterFilter(SafeExceptionReporterFilter):
    """Hides every value of POST, GET, cookies, request headers and frame variables, in every mode.

    Settings are cleansed as Django does, and the connection URLs (which hold passwords) too.
    """

    hidden_settings = re.compile(
        "API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE_URL|REDIS_URL", flags=re.I
    )

    def is_active(self, request):
        return True

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, WITHHELD)

    def get_safe_cookies(self, request):
        return dict.fromkeys(getattr(request, "COOKIES", {}), WITHHELD)

    def get_safe_request_meta(self, request):
        meta = getattr(request, "META", {})
        return {key: meta[key] if key in SAFE_META else WITHHELD for key in meta}

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, WITHHELD) for name in tb_frame.f_locals]


class _Withheld:
    """Stands for an exception whose message is withheld: only its class is shown."""

    def __init__(self, error: BaseException):
        self.name = type(error).__name__

    def __str__(self):
        return f"{self.name} (message withheld)"


class ValueFreeExceptionReporter(ExceptionReporter):
    """The report of a server error (the mail to ADMINS) with the filter above and no messages."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        for frame in data["frames"]:
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = _Withheld(frame["exc_cause"])
        if self.exc_value is not None:
            data["exception_value"] = str(_Withheld(self.exc_value))
        data.pop("exception_notes", None)
        data["unicode_hint"] = ""
        data["template_info"] = None
        user = getattr(self.request, "user", None)
        data["user_str"] = f"user #{user.pk}" if getattr(user, "pk", None) else None
        if self.request is not None:
            data["request_GET_items"] = [(key, WITHHELD) for key in self.request.GET]
            data["request_FILES_items"] = [(key, WITHHELD) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        return data


class ValueFreeFormatter(logging.Formatter):
    """Log lines with a traceback's frames and exception classes, never an exception's message
    (a database error quotes the row it refused, a ValueError the text it could not read)."""

    def formatException(self, ei):
        exception = traceback.TracebackException(*ei)
        seen = set()
        part = exception
        while part is not None and id(part) not in seen:
            seen.add(id(part))
            part._str = "(message withheld)"
            part.__notes__ = None
            part = part.__cause__ or part.__context__
        return "".join(exception.format()).rstrip("\n")
