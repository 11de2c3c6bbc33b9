"""The evidence stamp that `make evidence` writes and `scaffold showcase` reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from {{ package_name }} import evidence

REPO = Path(__file__).resolve().parent.parent


def test_the_manifest_names_real_sources_and_a_make_target_for_every_item() -> None:
    manifest = evidence.load_manifest(REPO)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for item_id, item in manifest["evidence"].items():
        assert evidence.source_files(REPO, item["sources"]), item_id
        assert f"\n{item.get('make', 'evidence')}:" in makefile, item_id


def _copy_manifest(tmp_path: Path) -> None:
    manifest = evidence.load_manifest(REPO)
    first_id, first = next(iter(manifest["evidence"].items()))
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "make.py").write_text("print('made')\n")
    (tmp_path / "out.json").write_text('{"value": 1}\n')
    item = {**first, "path": "out.json", "sources": ["src"]}
    manifest["evidence"] = {first_id: item}
    (tmp_path / evidence.MANIFEST).write_text(json.dumps(manifest))


def test_stamp_then_check_reports_each_way_evidence_goes_bad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _copy_manifest(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert evidence.main(["check"]) == 1  # not stamped yet
    assert evidence.main(["stamp"]) == 0
    assert evidence.problems(tmp_path) == []

    (tmp_path / "src" / "make.py").write_text("print('made differently')\n")
    assert evidence.problems(tmp_path) == ["out.json: older than src/make.py; run make evidence"]
    evidence.stamp(tmp_path)

    (tmp_path / "out.json").write_text('{"value": 2}\n')
    assert evidence.problems(tmp_path) == ["out.json: changed after it was made; run make evidence"]

    (tmp_path / "out.json").unlink()
    assert evidence.problems(tmp_path) == ["out.json: missing; run make evidence"]
    assert evidence.main(["stamp"]) == 1


def test_the_stamp_names_the_target_that_made_each_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _copy_manifest(tmp_path)
    monkeypatch.chdir(tmp_path)
    record_path = tmp_path / evidence.load_manifest(tmp_path).get(
        "provenance", evidence.DEFAULT_PROVENANCE
    )
    (item_id,) = evidence.load_manifest(tmp_path)["evidence"]
    for target in ("evidence", "bench"):
        by = [] if target == "evidence" else ["--by", target]
        assert evidence.main(["stamp", *by, item_id]) == 0
        made = json.loads(record_path.read_text(encoding="utf-8"))["items"][item_id]
        assert made["command"] == f"make {target}"
