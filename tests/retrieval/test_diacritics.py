"""Restoring diacritics on a query from the knowledge base's own wording."""

from __future__ import annotations

from bot.retrieval.diacritics import DiacriticRestorer

TEXTS = ["Nạp tiền vào ví điện tử từ ngân hàng", "Rút tiền từ ví về tài khoản ngân hàng", "Cài đặt ứng dụng VssID"]


def test_syllables_typed_without_marks_take_the_knowledge_base_form():
    restorer = DiacriticRestorer()
    restorer.add(TEXTS)
    assert restorer.restore("nap tien vao vi tu ngan hang") == "nạp tiền vào ví từ ngân hàng"
    assert restorer.restore("cai dat vssid") == "cài đặt vssid"


def test_marks_the_citizen_typed_are_kept_and_unknown_syllables_untouched():
    restorer = DiacriticRestorer()
    restorer.add(TEXTS)
    assert restorer.restore("Rút tien xyz") == "rút tiền xyz"


def test_neighbours_choose_between_forms():
    restorer = DiacriticRestorer()
    restorer.add(["mã số thuế", "mã số thuế cá nhân", "ma trận"])
    assert restorer.restore("ma so thue") == "mã số thuế"


def test_removed_texts_are_forgotten():
    restorer = DiacriticRestorer()
    restorer.add(TEXTS)
    restorer.remove(TEXTS[2:])
    assert restorer.restore("cai dat") == "cai dat"
