"""What the tests share, in one place (tests import helpers from here, never from each other
or from a conftest):

- ``tenancy``: ``in_schema``, ``host_of``; ``database``: the test database's URL for a process
- ``factories``: users and customers; ``desk``: agents, sign-in, inbound conversations
- ``browser``: a live server and a Playwright browser; ``threads``: requests released together
- ``mail``: the mail corpus, ``email()``, the ``mailboxes`` fixture; ``smtp_sink``: an SMTP server
- ``outbox``: sending now, the ``broker_down`` fixture; ``billing``: plans and ledger entries
- ``pdf``: a PDF's text and fonts; ``files``: attachments (a zip archive)
- ``portal``: a portal user signed in, a CSV export's rows, the ``user_a``/``user_b`` fixtures
- ``voice``: client A's numbers and menus, signed Twilio webhooks, the ``voice``, ``frozen``,
  ``twilio`` and ``agent`` fixtures; ``fake_twilio``: Twilio's REST API, faked
- ``reporting``: a month of activity at client A; ``fuzz``: hypothesis settings, rollbacks

The fixtures of ``mail``, ``voice``, ``outbox`` and ``portal`` are registered for every test
(``pytest_plugins`` in tests/conftest.py).
"""
