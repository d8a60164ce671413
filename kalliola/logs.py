"""Secrets in addresses never reach a log: calendar-feed tokens, cancel and reply links.

A support worker's private calendar address (`/tyo/kalenteri/<token>.ics`) is the only key to
their meetings, and the links in our e-mails (`/peru-ilmoittautuminen/<token>/`,
`/tapahtumat/vastaa/<token>/`) act for a person: anyone who reads a log line with one could use
it. Two places write request lines:

- Django's own loggers (`django.request` for 4xx/5xx, `django.server` for runserver):
  `RedactSecretsFilter` is on the console handler in settings.LOGGING.
- gunicorn's access log: `gunicorn.conf.py` (read by gunicorn from the working directory) names
  `GunicornLogger`, which redacts every value of the access line before it is written.

Nothing personal in gunicorn's access log either: an admin search (`?q=` with an e-mail address
or a phone number) is in the query string and then in the Referer of the next click.
`gunicorn.conf.py`'s format leaves both out, and `GunicornLogger` blanks them (and the request
line's query) whatever format is configured.
"""

import logging
import re

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# The part of each secret address that is the secret (with or without a language prefix).
SECRET_PATHS = re.compile(
    r"(?P<before>/kalenteri/)[^/?#\s\"']+(?P<after>\.ics)"
    r"|(?P<before2>/(?:peru-ilmoittautuminen|tapahtumat/vastaa)/)[^/?#\s\"']+"
)


def _replace(match: re.Match) -> str:
    if match.group("before"):
        return f"{match.group('before')}{REDACTED}{match.group('after')}"
    return f"{match.group('before2')}{REDACTED}"


def redact(text: str) -> str:
    """The text with every secret of an address replaced by [redacted]."""
    return SECRET_PATHS.sub(_replace, text)


def _redact_value(value):
    return redact(value) if isinstance(value, str) else value


class RedactSecretsFilter(logging.Filter):
    """Rewrites a log record's message and arguments without the secrets of addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_value(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redact_value(value) for key, value in record.args.items()}
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            # django.request attaches the request; a formatter showing it must not see the token.
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    """What a log formatter may read of a request, with the path's secrets redacted."""

    def __init__(self, request):
        self._request = request
        self.path = redact(request.path)
        self.path_info = redact(request.path_info)

    def get_full_path(self):
        return redact(self._request.get_full_path())

    def __getattr__(self, name):
        return getattr(self._request, name)

    def __str__(self):
        return f"<{type(self._request).__name__}: {self._request.method} {self.get_full_path()!r}>"


# Access-log atoms that carry the query string or the Referer (the per-header `{name}i`, the
# per-environ `{name}e` and a redirect's `{location}o` ones included); each is written as "-".
UNLOGGED_ATOMS = frozenset(
    {"q", "f", "{referer}i", "{query_string}e", "{http_referer}e", "{raw_uri}e"}
    | {"{request_uri}e", "{x-original-uri}i", "{location}o"}
)


class GunicornLogger(Logger):
    """gunicorn's logger: access lines without secrets of addresses, query strings or Referers."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in UNLOGGED_ATOMS & atoms.keys():
            atoms[key] = "-"
        if "r" in atoms:  # the request line without its query string
            atoms["r"] = f"{atoms.get('m', '-')} {atoms.get('U', '-')} {atoms.get('H', '-')}"
        return {key: _redact_value(value) for key, value in atoms.items()}
