"""Admin for this part of the families app."""
