"""Nothing personal in gunicorn's access log (issue 24, point 6).

An admin search (`?q=` with an e-mail address or a phone number) is in the query string and then
in the Referer of the next click. The deployment's access line is rendered here by gunicorn's own
logger, with the settings of `gunicorn.conf.py` (which the service reads from its working
directory), for such a request, and holds neither.
"""

import io
import logging
import runpy
import types
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from kalliola.logs import GunicornLogger

ROOT = Path(__file__).resolve().parents[2]
SEARCHED = "someone@example.org"
PHONE = "0401234567"


def _deployed_config() -> Config:
    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    return config


def _access_line(config: Config, logger_class=None) -> str:
    logger = (logger_class or GunicornLogger)(config)
    output = io.StringIO()
    handler = logging.StreamHandler(output)
    logger.access_log.addHandler(handler)
    try:
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"/fi/admin/families/guardian/?q={SEARCHED}&p={PHONE}",
            "PATH_INFO": "/fi/admin/families/guardian/",
            "QUERY_STRING": f"q={SEARCHED}&p={PHONE}",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://tuki.example.org/fi/admin/families/child/?q={PHONE}",
            "HTTP_USER_AGENT": "Mozilla/5.0",
        }
        request = types.SimpleNamespace(
            headers=[
                ("REFERER", environ["HTTP_REFERER"]),
                ("USER-AGENT", "Mozilla/5.0"),
            ]
        )
        response = types.SimpleNamespace(
            status="302 Found",
            headers=[("Location", f"/fi/admin/login/?next=/fi/admin/?q={SEARCHED}")],
            sent=120,
        )
        logger.access(response, request, environ, types.SimpleNamespace(seconds=0, microseconds=5))
    finally:
        logger.access_log.removeHandler(handler)
    return output.getvalue()


def test_the_deployed_access_line_has_the_path_but_no_query_string_or_referer():
    config = _deployed_config()
    assert config.accesslog == "-"  # the journal gets the access log
    line = _access_line(config)
    assert line.startswith("GET /fi/admin/families/guardian/ 302 120 ")
    assert SEARCHED not in line and PHONE not in line
    assert "?" not in line and "tuki.example.org" not in line and "Mozilla" not in line


@pytest.mark.parametrize(
    "access_format",
    [
        Config().access_log_format,  # gunicorn's default: the request line and the Referer
        '%(r)s %(q)s %(f)s "%({referer}i)s" %({query_string}e)s %({raw_uri}e)s %({location}o)s',
    ],
)
def test_the_logger_leaves_out_query_and_referer_whatever_format_is_given(access_format):
    config = _deployed_config()
    config.set("access_log_format", access_format)
    line = _access_line(config)
    assert line.strip()
    assert SEARCHED not in line and PHONE not in line


def test_gunicorn_s_own_logger_would_write_them():
    # The test's request is a real leak for gunicorn's plain logger with its default format.
    config = Config()
    config.set("accesslog", "-")
    line = _access_line(config, logger_class=Logger)
    assert SEARCHED in line and PHONE in line
