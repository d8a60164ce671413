"""Back office for the families app: households and children; relationships, stays, payments."""

from families.admin import children, households, matching, payments, relationships  # noqa: F401
