"""The accessibility claim: made only when an organisation stands behind it and checks pass."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, LEAFLET_SOURCE
from lxml import etree

from clearleaf import conformance
from clearleaf.build import build
from clearleaf.context import Context
from clearleaf.document import load
from clearleaf.plan import resolve_formats
from clearleaf.verdict import judge

CERTIFIED = FIXTURES / "validators" / "certified.md"
OPF_NAMESPACES = {"opf": "http://www.idpf.org/2007/opf"}


def _opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".opf"))
        return etree.fromstring(archive.read(name))


def _claims(opf: etree._Element) -> list[str]:
    return [
        str(m.text)
        for m in opf.iterfind(".//opf:meta[@property='dcterms:conformsTo']", OPF_NAMESPACES)
    ]


@pytest.fixture(scope="module")
def certified(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certified")
    report = build([CERTIFIED], resolve_formats([]), out, Context(source_date_epoch=None))
    assert not report.failed, report.diagnostics
    return out


def test_certified_document_claims_conformance(certified: Path) -> None:
    opf = _opf(certified / "certified.epub")
    assert _claims(opf) == [conformance.CLAIM]
    claim = opf.find(".//opf:meta[@property='dcterms:conformsTo']", OPF_NAMESPACES)
    assert claim is not None
    refines = opf.findall(".//opf:meta[@property='a11y:certifiedBy']", OPF_NAMESPACES)
    assert [(m.get("refines"), m.text) for m in refines] == [
        (f"#{claim.get('id')}", "Clearleaf Test Trust")
    ]


@pytest.mark.parametrize("suffix", [".html", ".txt"])
def test_certified_editions_carry_the_statement(certified: Path, suffix: str) -> None:
    text = " ".join((certified / f"certified{suffix}").read_text(encoding="utf-8").split())
    assert "meets WCAG 2.2 Level AA" in text
    assert "checked by Clearleaf Test Trust" in text


def test_leaflet_without_certifier_makes_no_claim(tmp_path: Path) -> None:
    report = build([LEAFLET_SOURCE], resolve_formats(["epub", "txt"]), tmp_path, Context())
    assert not report.failed
    assert _claims(_opf(tmp_path / f"{LEAFLET_SOURCE.stem}.epub")) == []
    text = " ".join((tmp_path / f"{LEAFLET_SOURCE.stem}.txt").read_text(encoding="utf-8").split())
    assert "no organisation has yet certified" in text


def test_a_warning_withdraws_the_claim(tmp_path: Path) -> None:
    source = tmp_path / "warned.md"
    text = CERTIFIED.read_text(encoding="utf-8")
    source.write_text(text + "\nThis is *really* important.\n", encoding="utf-8")
    document = load(source)
    assert document.meta.certified_by == "Clearleaf Test Trust"
    found = judge(document)
    assert not found.claimed
    assert "no organisation has yet certified" in conformance.statement(document.meta, False)


def test_no_certifier_no_claim() -> None:
    assert not judge(load(LEAFLET_SOURCE)).claimed
    assert judge(load(CERTIFIED)).claimed
