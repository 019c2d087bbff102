"""A whitespace tokenizer whose tokens are lower case and diacritic-free, so that "cảm ơn" and "cam on"
produce the same features: most citizens type without diacritics, some with, many mix both."""

from __future__ import annotations

import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

SYMBOLS = "__symbols__"


def fold(word: str) -> str:
    """Lower case without tone and vowel marks; `đ` becomes `d`."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class FoldingTokenizer(WhitespaceTokenizer):
    """`WhitespaceTokenizer` with folded token texts; token offsets still point into the original text."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FoldingTokenizer:
        """Creates the component (see the parent class)."""
        return cls(config)

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        """Whitespace tokens with their text and lemma folded; a token without letters or digits
        (emoji, stickers' alt text, punctuation) becomes 👍, 👎 or one shared marker."""
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            token.text = fold(token.text) if has_word_characters(token.text) else symbols_marker(token.text)
            token.lemma = token.text
        return tokens


def has_word_characters(text: str) -> bool:
    """True when `text` holds a letter or a digit."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def symbols_marker(text: str) -> str:
    """The one token that stands for a run of symbols: thumbs up, thumbs down, or anything else."""
    if "👍" in text and "👎" not in text:
        return "👍"
    if "👎" in text and "👍" not in text:
        return "👎"
    return SYMBOLS
