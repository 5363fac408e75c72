"""python manage.py fetch_exchange_rates [--url URL | --file PATH]"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from billing.exchange_rates import MAX_BYTES, ExchangeRatesRefused, ExchangeRatesUnavailable
from billing.services import exchange_rates_fetch, exchange_rates_store_ecb


class Command(BaseCommand):
    help = (
        "Store the ECB's euro reference rates (cross rates for every pair billing needs); "
        "a rate already stored for a pair and day is kept. Safe to run again."
    )

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--url",
            help="download from here (default: the setting "
            "POLYDESK_EXCHANGE_RATES_URL, the ECB's daily file)",
        )
        source.add_argument("--file", type=Path, help="read a saved ECB file (no network)")

    def handle(self, *args, url: str | None, file: Path | None, **options) -> None:
        try:
            if file is not None:
                data = self._read(file)
                run = exchange_rates_store_ecb(data=data)
            else:
                url = url or settings.EXCHANGE_RATES_URL
                if not url:
                    raise CommandError(
                        "No URL: give --url or --file, or set POLYDESK_EXCHANGE_RATES_URL."
                    )
                run = exchange_rates_fetch(url=url)
        except ExchangeRatesUnavailable as error:
            raise CommandError(f"Could not download the rates: {error}") from None
        except ExchangeRatesRefused as error:
            raise CommandError(f"Refused, nothing stored: {error}") from None
        for source, target, day, rate in run.stored:
            self.stdout.write(f"stored  {day}  1 {source} = {rate} {target}")
        for source, target, day in run.present:
            self.stdout.write(f"present {day}  {source}->{target} (kept as it is)")
        for source, target, day in run.missing:
            self.stderr.write(f"MISSING {day}  {source}->{target}: the ECB has no rate for it")
        days = ", ".join(day.isoformat() for day in run.days)
        self.stdout.write(
            f"ECB {days}: {len(run.stored)} stored, {len(run.present)} already "
            f"present, {len(run.missing)} missing"
        )

    def _read(self, path: Path) -> bytes:
        try:
            with path.open("rb") as handle:
                return handle.read(MAX_BYTES + 1)  # one byte more: the parser refuses it
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
