# English: the day, the month's short name, the year (see kalliola/formats/__init__.py).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Finland
# What forms accept stays Django's own for the language (DATE_INPUT_FORMATS etc.).
