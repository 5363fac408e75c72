"""``billing_usage_groups``: one client's month of the ledger, aggregated for rating
(docs/billing.md, "How rating reads the ledger"); ``billing.selectors`` calls it once per
client in one statement.

Why a function: PostgreSQL can hand the clients to parallel workers (each aggregates the
clients it takes, as the floor's workers do with their share of the ledger), but not a
LATERAL subquery that refers to the client's row: that one runs in the leader alone. A
function called with the client's columns runs in any worker. ``SET jit = off`` keeps JIT
compilation out (it cost more than it gained, docs/performance.md) and also keeps the
planner from inlining the function back into a subquery. ``PARALLEL SAFE``: it only reads.

Its body is the former subquery's, for one client (arguments by position, so that a test
can PREPARE the body and look at its plan):
$1 the client's id, $2 its currency, $3 its time zone, $4 and $5 the local month's first
day and the next month's, $6 the month's exchange rates (day -> to -> from -> rate).

Per local day, once: the day's bounds in UTC, its price plan, its rates into the client's
currency. Then one range of the covering index per day (index-only), aggregated by plan,
kind, language, out-of-hours and currency; started minutes per call (each call rounded up
before the sum), telephony cost in another currency converted at its day's rate.
``generate_series(0, 30)`` filtered by the month's end, rather than a series to the
month's end, tells the planner a month has at most 31 days: with unknown arguments it
would assume 1,000 and sort the rows to group them instead of hashing them.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION billing_usage_groups(
    bigint, varchar, varchar, date, date, jsonb
) RETURNS TABLE (
    plan_id bigint, kind varchar, language varchar, out_of_hours boolean, currency varchar,
    events bigint, quantity numeric, started numeric, first_day date, converted numeric
)
LANGUAGE sql STABLE PARALLEL SAFE SET jit = off
AS $body$
SELECT cd.plan_id, e.kind, e.language, e.out_of_hours, e.currency,
       count(*), sum(e.quantity),
       coalesce(sum(sign(e.quantity) * ceil(abs(e.quantity) / 60))
                FILTER (WHERE e.kind = 'call_minutes'), 0),
       min(cd.day),
       sum(e.quantity * (cd.rates ->> e.currency)::numeric) FILTER (WHERE e.currency <> '')
FROM (
    SELECT d.day,
           d.day::timestamp AT TIME ZONE $3 AS starts_at,
           (d.day + 1)::timestamp AT TIME ZONE $3 AS ends_at,
           $6 -> d.day::text -> $2 AS rates,
           (SELECT p.id FROM billing_priceplan p
            WHERE p.client_id = $1 AND p.valid_from <= d.day
              AND (p.valid_to IS NULL OR d.day < p.valid_to)) AS plan_id
    FROM (SELECT $4 + n AS day FROM generate_series(0, 30) AS n WHERE $4 + n < $5) AS d
    OFFSET 0  -- the subqueries above once per day, not once per ledger row
) AS cd
JOIN billing_usageentry e ON e.client_id = $1
 AND e.occurred_at >= cd.starts_at AND e.occurred_at < cd.ends_at
GROUP BY 1, 2, 3, 4, 5
$body$
"""

DROP = "DROP FUNCTION IF EXISTS billing_usage_groups(bigint, varchar, varchar, date, date, jsonb)"


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0012_usage_client_index_dropped"),
    ]

    operations = [migrations.RunSQL([CREATE], [DROP])]
