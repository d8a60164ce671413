# gunicorn reads this file from the working directory (the project folder) on start.
# Its access log must never hold a calendar-feed token or a cancel link (kalliola/logs.py), nor
# anything personal: an admin search (`?q=` with an e-mail address or a phone number) is in the
# query string and rides along in the Referer of the next click, so the access line names the
# method, the path without its query string, the status, the size and the time, and no query
# string, Referer or browser. GunicornLogger also blanks those whatever format is given.
logger_class = "kalliola.logs.GunicornLogger"
accesslog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
