"""Portable JSON: export → import into an empty vault → export gives identical bytes; every
export agrees with the shipped JSON Schema (checked by the real `jsonschema` package)."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kapnotes.domain.errors import ConflictError, NotFoundError, ValidationError
from kapnotes.services import portable_export, portable_import
from kapnotes.services.portable_schema import check_document, load_schema
from kapnotes.storage import audit, lifecycle
from tests.services.portable_data import STAMP, export_text, load, new_services


@pytest.fixture
def rich(rich_services: Any) -> Any:
    return rich_services


def schema_errors(doc: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        load_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(load_schema())


def test_round_trip_into_an_empty_vault_is_byte_identical(
        rich: Any, tmp_path: Path, passphrase: str, clock: Any) -> None:
    first = export_text(rich.vault)
    doc = load(first)
    assert {c["code"] for c in doc["clients"]} == {f"KAP-00{i}" for i in range(1, 6)}
    kinds = {k for c in doc["clients"] for co in c["courses"] for s in co["sessions"]
             for k in ("vitals", "addenda", "adverse_effects", "theme_mentions",
                       "intention_reviews", "acknowledgements", "observations", "events")
             if s[k]}
    assert len(kinds) == 8  # every per-session list is exercised by the data
    assert any(c["measures"] for c in doc["clients"]) and any(c["screens"]
                                                             for c in doc["clients"])
    consents = [r for c in doc["clients"] for r in c["consents"]]
    assert any(r["withdrawn_on"] and r["withdrawal_reason"] for r in consents)
    assert any(i["revised_from"] for c in doc["clients"] for co in c["courses"]
               for i in co["intentions"])
    readings = [v for c in doc["clients"] for co in c["courses"] for s in co["sessions"]
                for v in s["vitals"]]
    assert any(v["spo2"] == 45 and v["confirmed_unusual"] for v in readings)
    assert any(v["struck_at"] and v["change_reason"] == "Corrected: typed 180 for 80"
               and v["heart_rate"] == 180 for v in readings)

    other = new_services(tmp_path / "copy.kapnotes", passphrase, clock, tmp_path / "t")
    tally = portable_import.import_document(other, doc)
    assert (tally.clients_added, tally.sessions) == (5, portable_export.count(doc).sessions)
    second = export_text(other.vault)
    assert second == first
    assert audit.first_broken_entry(other.vault) is None
    other.vault.close()
    # `kapnotes check` on the imported vault: integrity and the whole audit chain hold.
    assert lifecycle.check_vault(tmp_path / "copy.kapnotes", passphrase=passphrase) == []


def test_imported_vault_works_like_any_other(rich: Any, tmp_path: Path, passphrase: str,
                                             clock: Any) -> None:
    other = new_services(tmp_path / "copy.kapnotes", passphrase, clock, tmp_path / "t")
    portable_import.import_document(other, load(export_text(rich.vault)))
    client = other.clients.by_code("KAP-001")
    course = other.courses.for_client(client.id)[0]
    sessions = other.notes.sessions_for_course(course.id)
    signed = next(s for s in sessions if s.signed)
    with pytest.raises(ConflictError, match="signed"):
        other.notes.save_fields(signed.id, {"observations": "changed"})
    assert other.notes.search("spaciousness")  # the search index was rebuilt by triggers
    assert other.measures.risk_flags(client.id)
    entries = audit.entries(other.vault)
    marker = next(e for e in entries if e.event == "import.json")
    assert "clients added=5" in marker.detail and "Mira" not in marker.detail


def test_every_export_is_schema_valid(rich: Any) -> None:
    full = load(export_text(rich.vault))
    assert schema_errors(full) == []
    check_document(full)  # the app's own checker agrees
    for code in ("KAP-001", "KAP-004", "KAP-005"):
        assert schema_errors(load(export_text(rich.vault, code))) == []


def test_client_export_holds_that_client_only(rich: Any, tmp_path: Path, passphrase: str,
                                              clock: Any) -> None:
    doc = load(export_text(rich.vault, "kap-002"))
    assert doc["scope"] == "client"
    assert [c["code"] for c in doc["clients"]] == ["KAP-002"]
    assert doc["audit"] and {e["client"] for e in doc["audit"]} == {"KAP-002"}
    mentioned = {m["theme"] for co in doc["clients"][0]["courses"] for s in co["sessions"]
                 for m in s["theme_mentions"]}
    assert {t["name"] for t in doc["themes"]} == mentioned
    other = new_services(tmp_path / "one.kapnotes", passphrase, clock, tmp_path / "t")
    portable_import.import_document(other, doc)
    assert export_text(other.vault, "KAP-002") == export_text(rich.vault, "KAP-002")
    assert len(other.themes.all()) >= 6  # a client file does not replace the vocabulary
    with pytest.raises(NotFoundError):
        portable_export.build_export(rich.vault, client_code="KAP-999")


def test_two_exports_differ_only_in_exported_at(rich: Any, tmp_path: Path) -> None:
    a = portable_export.build_export(rich.vault)
    b = portable_export.build_export(rich.vault, exported_at=STAMP)
    assert {**a, "exported_at": STAMP} == b


def test_export_file_is_owner_only_atomic_and_audited(rich: Any, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o644)
    result = portable_export.export_to_file(rich.vault, out, replace=True)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "kapnotes-export"
    assert result.size == out.stat().st_size and result.counts.clients == 5
    assert not list(tmp_path.glob(".all.json.*"))
    last = audit.entries(rich.vault)[-1]
    assert (last.event, last.record_type) == ("export.json", "vault")
    assert "clients=5" in last.detail and "KAP" not in last.detail


@pytest.mark.parametrize("mutate", [
    lambda d: d["clients"][0].update(extra=1),
    lambda d: d["clients"][0]["courses"][0]["sessions"][1]["vitals"][0].update(systolic=400),
    lambda d: d["clients"][1].update(date_of_birth="1990-02-30"),
    lambda d: d["clients"][2]["courses"][0].update(status="on hold"),
    lambda d: d["clients"][0]["courses"][0]["sessions"][0].pop("values"),
    lambda d: d.update(version="1"),
])
def test_app_checker_and_jsonschema_refuse_the_same_files(rich: Any, mutate: Any) -> None:
    doc = load(export_text(rich.vault))
    mutate(doc)
    assert schema_errors(doc)
    with pytest.raises(ValidationError):
        check_document(doc)
