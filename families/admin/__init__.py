"""Back office for the families app: households and children; relationships, stays, payments."""

from families.admin import (  # noqa: F401
    children,
    duplicates,
    households,
    matching,
    payments,
    readiness,
    relationships,
)
