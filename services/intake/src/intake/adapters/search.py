"""Search terms for the agents' knowledge: Chinese split into words (jieba), other text into
lower-case words, so "管理费标准" finds "物业管理费的收费标准是多少" although neither contains the
other. A document stores its terms; a query matches documents sharing any, best overlap first.
"""

from __future__ import annotations

import logging
import re
import unicodedata

import jieba

jieba.setLogLevel(logging.WARNING)

STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "是",
        "吗",
        "呢",
        "吧",
        "啊",
        "和",
        "与",
        "及",
        "或",
        "在",
        "有",
        "我",
        "你",
        "您",
        "他",
        "她",
        "我们",
        "你们",
        "请问",
        "请",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "哪里",
        "哪个",
        "多少",
        "可以",
        "能",
        "要",
        "会",
        "就",
        "都",
        "也",
        "还",
        "一下",
        "这",
        "那",
        "这个",
        "那个",
        "一个",
        "a",
        "an",
        "the",
        "of",
        "to",
        "and",
        "or",
        "is",
        "are",
        "be",
        "in",
        "on",
        "for",
        "how",
        "what",
    ]
)


def warm_up() -> None:
    """Load jieba's dictionary now (a second or so), not on the first agent's search."""
    jieba.initialize()


def terms(text: str) -> list[str]:
    """The words of ``text`` worth matching on, each once, in order of appearance."""
    seen: dict[str, None] = {}
    for token in jieba.cut_for_search(unicodedata.normalize("NFKC", text).lower()):
        token = token.strip()
        if not token or token in STOP_WORDS or not _has_word_character(token):
            continue
        seen.setdefault(token, None)
    return list(seen)


def _has_word_character(token: str) -> bool:
    return re.search(r"\w", token) is not None


def score(query_terms: list[str], document_terms: list[str]) -> float:
    """How well a document matches: the matched terms, longer words counting more."""
    shared = set(query_terms) & set(document_terms)
    return sum(len(term) for term in shared)
