"""Settings for the load benchmark (bench/load.py): production settings plus a bare "ok" view.

Everything comes from kalliola.settings (and so from the environment, as in production); only the
URL configuration changes, to add `/bench-ok/` beside the real pages. Production never loads
this module, so its URLs are untouched.
"""

from kalliola.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_urls"
