"""The shared kernel: plain helpers every room may import and that import no app.

Months and periods (``core.months``), number/money/date formats (``core.formats``), the A4 PDF
page kit and its fonts (``core.pdf``), CSV downloads (``core.csv_export``), the channels
(``core.channels``) and the on-commit task helper (``core.tasks``). Not a Django app: no
models, nothing in INSTALLED_APPS.
"""
