"""The standard VAT rates of the 27 member states as data, with the changes since 2020: the
issue date picks the rate (billing.selectors.vat_rate_on). A future change is added in the
admin (VAT rates); rows already used by issued invoices are kept, never edited."""

from django.db import migrations
from datetime import date
from decimal import Decimal

EC = "European Commission, VAT rates applied in the Member States of the EU (taxation_customs)"
# (country, rate in percent, valid from, source); a country's next row ends the one before.
STANDARD_RATES = [
    ("AT", "20", "2020-01-01", f"Umsatzsteuergesetz 1994 § 10(1); {EC}"),
    ("BE", "21", "2020-01-01", f"Code de la TVA art. 37; {EC}"),
    ("BG", "20", "2020-01-01", f"Закон за данък върху добавената стойност чл. 66; {EC}"),
    ("CY", "19", "2020-01-01", f"Value Added Tax Law 95(I)/2000; {EC}"),
    ("CZ", "21", "2020-01-01", f"Zákon č. 235/2004 Sb. o DPH § 47; {EC}"),
    ("DE", "19", "2020-01-01", f"Umsatzsteuergesetz § 12(1); {EC}"),
    ("DE", "16", "2020-07-01", "Zweites Corona-Steuerhilfegesetz (UStG § 28(1)), 1.7.-31.12.2020"),
    ("DE", "19", "2021-01-01", "Umsatzsteuergesetz § 12(1), after the temporary 16 %"),
    ("DK", "25", "2020-01-01", f"Momsloven § 33; {EC}"),
    ("EE", "20", "2020-01-01", f"Käibemaksuseadus § 15(1); {EC}"),
    ("EE", "22", "2024-01-01", "Käibemaksuseadus § 15(1) as amended from 1 January 2024"),
    ("EE", "24", "2025-07-01", "Käibemaksuseadus § 15(1) as amended from 1 July 2025"),
    ("ES", "21", "2020-01-01", f"Ley 37/1992 del IVA art. 90; {EC}"),
    ("FI", "24", "2020-01-01", f"Arvonlisäverolaki 1501/1993 § 84; {EC}"),
    ("FI", "25.5", "2024-09-01", "Arvonlisäverolaki § 84 as amended from 1 September 2024"),
    ("FR", "20", "2020-01-01", f"Code général des impôts art. 278; {EC}"),
    ("GR", "24", "2020-01-01", f"Κώδικας ΦΠΑ ν. 2859/2000 άρθρο 21; {EC}"),
    ("HR", "25", "2020-01-01", f"Zakon o porezu na dodanu vrijednost čl. 38; {EC}"),
    ("HU", "27", "2020-01-01", f"2007. évi CXXVII. törvény az áfáról 82. §; {EC}"),
    ("IE", "23", "2020-01-01", f"Value-Added Tax Consolidation Act 2010 s. 46; {EC}"),
    ("IE", "21", "2020-09-01", "Finance (COVID-19 and Miscellaneous Provisions) Act 2020"),
    ("IE", "23", "2021-03-01", "Value-Added Tax Consolidation Act 2010 s. 46, after the 21 %"),
    ("IT", "22", "2020-01-01", f"D.P.R. 633/1972 art. 16; {EC}"),
    ("LT", "21", "2020-01-01", f"Pridėtinės vertės mokesčio įstatymas 19 str.; {EC}"),
    ("LU", "17", "2020-01-01", f"Loi TVA art. 39; {EC}"),
    ("LU", "16", "2023-01-01", "Loi du 26 octobre 2022 (temporary 16 % in 2023)"),
    ("LU", "17", "2024-01-01", "Loi TVA art. 39, after the temporary 16 %"),
    ("LV", "21", "2020-01-01", f"Pievienotās vērtības nodokļa likums 41. pants; {EC}"),
    ("MT", "18", "2020-01-01", f"Value Added Tax Act Cap. 406, Fifth Schedule; {EC}"),
    ("NL", "21", "2020-01-01", f"Wet op de omzetbelasting 1968 art. 9; {EC}"),
    ("PL", "23", "2020-01-01", f"Ustawa o podatku od towarów i usług art. 146ef; {EC}"),
    ("PT", "23", "2020-01-01", f"Código do IVA art. 18; {EC}"),
    ("RO", "19", "2020-01-01", f"Codul fiscal art. 291; {EC}"),
    ("RO", "21", "2025-08-01", "Legea 141/2025 (Codul fiscal art. 291) from 1 August 2025"),
    ("SE", "25", "2020-01-01", f"Mervärdesskattelagen; {EC}"),
    ("SI", "22", "2020-01-01", f"Zakon o davku na dodano vrednost 41. člen; {EC}"),
    ("SK", "20", "2020-01-01", f"Zákon č. 222/2004 Z. z. o DPH § 27; {EC}"),
    ("SK", "23", "2025-01-01", "Zákon č. 222/2004 Z. z. § 27 as amended from 1 January 2025"),
]


def seed(apps, schema_editor):

    VatRate = apps.get_model("billing", "VatRate")
    rows = [
        (country, Decimal(rate), date.fromisoformat(start), source)
        for country, rate, start, source in STANDARD_RATES
    ]
    for index, (country, rate, start, source) in enumerate(rows):
        following = [row for row in rows[index + 1 :] if row[0] == country]
        VatRate.objects.get_or_create(
            country=country,
            kind="standard",
            valid_from=start,
            defaults={
                "rate": rate,
                "valid_to": following[0][2] if following else None,
                "source": source[:255],
            },
        )


def unseed(apps, schema_editor):
    # Only the rows seeded here: a rate an admin added since stays.
    VatRate = apps.get_model("billing", "VatRate")
    for country, _rate, start, _source in STANDARD_RATES:
        VatRate.objects.filter(country=country, kind="standard", valid_from=start).delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0006_vat_payments")]

    operations = [migrations.RunPython(seed, unseed)]
