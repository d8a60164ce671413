"""One date format per language, the same on the portal, the admin and in e-mail.

Finnish keeps Django's (7.4.2027, 7.4.2027 14.30). Swedish follows the Finland-Swedish usage,
the same numbers as Finnish (Django's Swedish is Sweden's 2027-04-07). English says the month's
name (7 Apr 2027): Django's US default, 04/07/2027, reads as 4 July to half of its readers.
Only how dates are shown changes; what forms accept stays Django's.
"""
