"""Back office for info sessions, training groups, attendance, home visits and events.

Changelists annotate their counts so the number of queries stays constant; every action calls a
service and reports through `messages`.
"""

from trainings.admin import enrollments, events, groups, info_sessions  # noqa: F401
