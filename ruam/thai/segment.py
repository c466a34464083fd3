"""Thai word segmentation with nlpo3 (newmm in Rust) and PyThaiNLP's bundled word list.

Pure Python, no Django. ``words(text)`` gives the words of a text, normalised for matching:

- whitespace of any kind is one space; Latin letters are lower case; Thai digits are Arabic;
- "ํา" (nikhahit + sara aa, a common typing slip) is "ำ";
- a letter repeated three times or more ("มากกกก", "!!!") counts once ("มาก");
- punctuation, symbols, "ๆ" and spaces are not words; a dot is a word break too ("กทม." →
  "กทม", "ก.ค." → "ก ค") except between two digits ("2.5").

``segmented(text)`` is the same words joined by single spaces, for full-text search indexes
that split on spaces.

nlpo3's "safe" mode is not used: in nlpo3 1.4.0 it garbles about a quarter of real Traffy texts
(the tokens no longer spell the text: "จอดแช่คอย" → "จอด", "แ", "บร", "ิเว", …). The normal mode
spells every text of the 2022 dump back exactly, the longest (7,500 characters) in milliseconds.

The dictionary is loaded once, on first use, from the file PyThaiNLP ships
(``pythainlp/corpus/words_th.txt``); nothing is downloaded.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable

DICT_NAME = "ruam_words_th"

# Kept: letters and digits (\w), the Thai consonants, vowels, tone marks and digits, and dots.
# Everything else is a word break. ฿ ๏ ๚ ๛ are symbols; ฯ is a letter to \w, so "ฯลฯ" stays a
# word. "_" and ๆ U+0E46 are word characters to \w, so they are replaced separately.
_BREAK = re.compile(r"[^\w\u0e01-\u0e2e\u0e30-\u0e3a\u0e40-\u0e45\u0e47-\u0e4e\u0e50-\u0e59.]+")
# A dot breaks words too unless it is between two digits ("2.5"): dots elsewhere confuse the
# segmenter ("ไหล...ค่ะ" → "ไห ล ค่ะ").
_DOT = re.compile(r"(?<!\d)\.+|\.+(?!\d)")
_REPEAT = re.compile(r"(\D)\1\1+")
_THAI_DIGIT = re.compile("[\u0e50-\u0e59]")
_TRANSLATE = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")

_lock = threading.Lock()
_segment = None


def dictionary_path() -> str:
    """The path of PyThaiNLP's bundled Thai word list (a local file: no download)."""
    import pythainlp.corpus

    path = os.path.join(pythainlp.corpus.corpus_path(), "words_th.txt")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"PyThaiNLP's word list is missing: {path}")
    return path


def _load():
    global _segment
    with _lock:
        if _segment is None:
            import nlpo3

            message, ok = nlpo3.load_dict(dictionary_path(), DICT_NAME)
            # load_dict never replaces a name already loaded: that is fine, it is the same file.
            if not ok and "already" not in message.lower():
                raise RuntimeError(f"nlpo3 could not load the dictionary: {message}")
            _segment = nlpo3.rust_segment  # the Rust function, without the Python wrapper
    return _segment


def normalise(text: str) -> str:
    """The text as segmentation sees it: see the module's docstring."""
    text = text.lower().replace("\u0e4d\u0e32", "\u0e33").replace("ๆ", " ").replace("_", " ")
    if _THAI_DIGIT.search(text):
        text = text.translate(_TRANSLATE)
    text = _REPEAT.sub(r"\1", text)
    if "." in text:
        text = _DOT.sub(" ", text)
    return _BREAK.sub(" ", text)


def words(text: str | None) -> list[str]:
    """The words of a Thai (or mixed Thai/English) text, in order."""
    if not text:
        return []
    segment = _segment or _load()
    return [t for t in segment(normalise(text), DICT_NAME, False, False) if t != " "]


def words_many(texts: Iterable[str | None]) -> list[list[str]]:
    """``words`` of each text (a little faster than calling it in a loop)."""
    segment = _segment or _load()
    out = []
    for text in texts:
        if not text:
            out.append([])
            continue
        out.append([t for t in segment(normalise(text), DICT_NAME, False, False) if t != " "])
    return out


def segmented(text: str | None) -> str:
    """The words of the text joined by single spaces ("" for no words)."""
    return " ".join(words(text))
