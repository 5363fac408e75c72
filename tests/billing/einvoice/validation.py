"""The official checks of an e-invoice, as the tests run them: the OASIS UBL 2.1 schema
(lxml) and the compiled Schematron rules of CEN (EN 16931) and OpenPEPPOL (BIS Billing 3.0),
XSLT 2 stylesheets run by Saxon (saxonche). Where each file comes from: README.md here.
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

HERE = Path(__file__).parent
SCHEMAS = {
    "Invoice": HERE / "ubl-2.1" / "maindoc" / "UBL-Invoice-2.1.xsd",
    "CreditNote": HERE / "ubl-2.1" / "maindoc" / "UBL-CreditNote-2.1.xsd",
}
RULES = {
    "CEN": HERE / "schematron" / "CEN-EN16931-UBL.xslt",
    "PEPPOL": HERE / "schematron" / "PEPPOL-EN16931-UBL.xslt",
}
SVRL = "{http://purl.oclc.org/dsdl/svrl}"
# No entity, no network, no huge tree: the same parser settings as for input from outside.
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Finding:
    """One failed assertion of a rule set: its id, flag (fatal or warning) and text."""

    rules: str
    id: str
    flag: str
    text: str
    location: str


@cache
def _schema(path: Path) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(path), PARSER))


def schema_errors(xml: bytes, schema: Path | None = None) -> list[str]:
    """The XSD's errors for the document (the schema of its root element by default)."""
    document = etree.fromstring(xml, PARSER)
    if schema is None:
        schema = SCHEMAS[etree.QName(document).localname]
    validator = _schema(schema)
    if validator.validate(document):
        return []
    return [f"{error.line}: {error.message}" for error in validator.error_log]


@cache
def _saxon():

    # One processor for the test process: Saxon's JVM-less runtime is started once.
    processor = PySaxonProcessor(license=False)
    compiler = processor.new_xslt30_processor()
    executables = {
        name: compiler.compile_stylesheet(stylesheet_file=str(path)) for name, path in RULES.items()
    }
    return processor, executables


def schematron_findings(xml: bytes) -> list[Finding]:
    """Every failed assertion of the CEN and Peppol rules for the document."""
    processor, executables = _saxon()
    node = processor.parse_xml(xml_text=xml.decode())
    findings = []
    for rules, executable in executables.items():
        report = executable.transform_to_string(xdm_node=node)
        svrl = etree.fromstring(report.encode(), PARSER)
        for failed in svrl.iter(f"{SVRL}failed-assert"):
            findings.append(
                Finding(
                    rules=rules,
                    id=failed.get("id", ""),
                    flag=failed.get("flag", "fatal"),
                    text=" ".join(failed.findtext(f"{SVRL}text", "").split()),
                    location=failed.get("location", ""),
                )
            )
    return findings


def fatal(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.flag == "fatal"]
