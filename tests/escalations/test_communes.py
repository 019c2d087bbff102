"""The sample province configuration and commune matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.province import load_province, match_commune
from tests.escalations.helpers import COMMUNES_FILE

COMMUNES = load_province(COMMUNES_FILE).communes


def names(text: str) -> list[str]:
    return [c.name for c in match_commune(text, COMMUNES)]


def test_sample_province_has_a_dozen_communes_each_with_a_team() -> None:
    province = load_province(COMMUNES_FILE)
    assert province.name == "Tỉnh Sơn Lâm"
    assert 10 <= len(COMMUNES) <= 15
    assert len({c.code for c in COMMUNES}) == len(COMMUNES)
    for commune in COMMUNES:
        assert commune.kind in ("xã", "phường")
        assert commune.name.lower().startswith(commune.kind)
        assert commune.team_id == commune.team.id
        assert commune.team.members, commune.code
        assert commune.name.endswith(commune.district_free_name)
    assert any(c.team.telegram_chat_id is None for c in COMMUNES)
    assert province.ict_department_chat_id is not None


def test_team_member_lookup_ignores_case_and_at_sign() -> None:
    team = load_province(COMMUNES_FILE).commune("SL03").team
    assert team.member("@TanLap_Lan").display_name == "Nguyễn Thị Lan"
    assert team.member("someone_else") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Xã Tân Lập", ["Xã Tân Lập"]),
        ("tan lap", ["Xã Tân Lập"]),
        ("TÂN LẬP", ["Xã Tân Lập"]),
        ("xa tan lap", ["Xã Tân Lập"]),
        ("tôi ở xã Tân Lập, tỉnh Sơn Lâm", ["Xã Tân Lập"]),
        ("p. hoa binh", ["Phường Hòa Bình"]),
        ("phuong hoa bihn", ["Phường Hòa Bình"]),
        ("tan lapp", ["Xã Tân Lập"]),
        ("nghiatrung", ["Xã Nghĩa Trung"]),
        ("kim xon", ["Xã Kim Sơn"]),
        ("tt kim son", ["Xã Kim Sơn"]),
        ("phu xuan", ["Xã Phú Thịnh"]),
        ("Đồng Sơn", ["Xã Đồng Sơn"]),
        ("xã đông sơn", ["Xã Đông Sơn"]),
    ],
)
def test_one_commune_matches(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("dong son", {"Xã Đông Sơn", "Xã Đồng Sơn"}), ("tan la", {"Xã Tân Lập", "Xã Tân Lạc"})],
)
def test_ambiguous_text_offers_every_candidate(text: str, expected: set[str]) -> None:
    assert set(names(text)) == expected


@pytest.mark.parametrize("text", ["", "   ", "xã", "Hà Nội", "tan", "abcdefgh", "🙂"])
def test_no_match(text: str) -> None:
    assert names(text) == []


def test_duplicate_codes_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "communes.yml"
    path.write_text("communes:\n  - {code: A, name: Xã Một}\n  - {code: A, name: Xã Hai}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unique"):
        load_province(path)
