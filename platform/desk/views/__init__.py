"""The agent desk on the agency's domain, by topic: the inbox (``inbox``), one work item
and its conversation (``items``), calls (``calls``), the supervisors' wall and failed
deliveries (``wall``). Views parse, authorise, call one service or selector, and respond;
``desk.access`` holds their one preamble and ``accounts.access`` the agency's refusal."""
