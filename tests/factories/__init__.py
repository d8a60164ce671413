"""Factories for tests: one module per app (tests.factories.families, ...)."""
