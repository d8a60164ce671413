# gunicorn reads this file from the working directory (the project folder) on start.
# Its access log must never hold a calendar-feed token or a cancel link (kalliola/logs.py).
logger_class = "kalliola.logs.GunicornLogger"
