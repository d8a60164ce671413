"""Yearly statistics for coordinators and funders.

`base` holds the period and the table shape every app's `statistics.py` fills; `export` turns
tables into CSV and XLSX; `charts` lays out the SVG bars; `views` serves the pages in the admin.
"""
