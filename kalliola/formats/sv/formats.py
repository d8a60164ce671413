# Finland-Swedish: the day first, with full stops, as in Finnish (see kalliola/formats/__init__.py).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j.n.Y"
DATETIME_FORMAT = "j F Y H.i"
SHORT_DATETIME_FORMAT = "j.n.Y H.i"
TIME_FORMAT = "H.i"
# What forms accept stays Django's own for the language (DATE_INPUT_FORMATS etc.).
