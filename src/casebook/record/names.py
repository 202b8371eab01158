"""Names as people type them: normalised, and keyed by how they sound.

A child may be recorded as "Jon Smyth" by the school and "John Smith" by the
police. Search and the duplicate check compare *keys*, kept in
``ssd_person.cb_surname_key`` and ``cb_forename_key`` (filled on every write:
the ORM event in :mod:`casebook.record.models.people`, the bulk loader in
:mod:`casebook.interchange.bulk`), so a lookup is an indexed equality or range,
never a scan of every name.

Normalisation (:func:`normalise_name`)
    Accents are dropped (Zoë, Zoe), letters with no decomposition are spelled
    out (ß ss, æ ae, ø o, ł l, þ th), case is folded, apostrophes go
    (O'Brien, OBrien), hyphens and other marks become spaces (Smith-Jones,
    Smith Jones), and the Scottish and Irish prefix is written one way: Mc,
    M' and Mac are all MAC (McDonald, MacDonald, M'Donald). :func:`compact`
    then drops the spaces, so "Mac Donald" and "Macdonald" are the same name.

The key (:func:`name_key`), Casebook's own Metaphone-like code for English names
    Read the compact name left to right, first letting go of repeated
    letters (Phillip, Philip; Connor, Conor):

    1. At the start: KN, GN, PN, PS, WR lose their first letter (Knight,
       Night); WH is W; X is S (Xavier, Zavier).
    2. A vowel at the very start is written A (Aisha, Ayesha; Aimee, Amy);
       every other vowel is dropped but still separates consonants, so a
       consonant repeated either side of a vowel is kept twice (Mohammed
       MMT, Matt MT). Y is a consonant only at the start before a vowel
       (Yasmin), else a vowel (Smyth, Smith).
    3. Consonants are written by sound: B; C as S before E, I, Y and K
       otherwise; CH as X at the start (Charlotte, Chan) or after T
       (Mitchell), K elsewhere and before L or R (Michael, Mikael; Chloe,
       Khloe; Christopher, Kristopher); SCH is SK; D and T are T (D before
       GE, GI, GY is J: Hodge); G before E, I, Y is J (Gemma, Jemma) and K
       otherwise; GH is K at the start or before a vowel (Meghan, Megan) and
       silent elsewhere (Leigh, Lee); H only at the start before a vowel
       (Hannah, Hanna; John, Jon); PH and V are F (Stephen, Steven); Q is
       K; SH is S (Shaun, Sean); W only before a vowel; X is KS; Z is S
       (Zara, Sara); MB at the end is M; P between M and S or T is silent
       (Thompson, Thomson).
    4. The same code twice in a row is written once (CK, SC before E).

    The key is never truncated (unlike Soundex), so it stays selective on a
    city's worth of names, and the key of the start of a name is, nearly
    always, the start of the name's key: search uses that for prefixes.
    Names with no Latin letters get no key (found by id or date of birth).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: The Casebook columns on ``ssd_person`` holding the keys, in :func:`keys_for` order.
KEY_COLUMNS: tuple[str, str] = ("cb_surname_key", "cb_forename_key")

_SPELLED_OUT = str.maketrans(
    {
        "ß": "ss",
        "ẞ": "SS",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "ı": "i",
    }
)
_APOSTROPHES = "'’‘`´ʼ"
_M_APOSTROPHE = re.compile(rf"\bM[{_APOSTROPHES}](?=[A-Z])")
_NOT_LETTERS = re.compile(r"[^A-Z]+")

VOWELS = frozenset("AEIOU")
_SOFTENING = frozenset("EIY")
_SEPARATOR = "."  # a dropped vowel: it keeps consonants either side apart
_INITIAL = (("KN", "N"), ("GN", "N"), ("PN", "N"), ("PS", "S"), ("WR", "R"), ("WH", "W"))


@lru_cache(maxsize=100_000)
def normalise_name(name: str | None) -> str:
    """The name in capitals, accents and apostrophes gone, words split on anything else.

    >>> normalise_name("  Zoë  O’Brien-McDonald ")
    'ZOE OBRIEN MACDONALD'
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKD", name.translate(_SPELLED_OUT))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    text = _M_APOSTROPHE.sub("MAC", text)
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    words = []
    for word in _NOT_LETTERS.sub(" ", text).split():
        if word == "MC":
            word = "MAC"
        elif word.startswith("MC"):
            word = "MAC" + word[2:]
        words.append(word)
    return " ".join(words)


def compact(name: str | None) -> str:
    """The normalised name without spaces: the form names are compared in."""
    return normalise_name(name).replace(" ", "")


@lru_cache(maxsize=100_000)
def name_key(name: str | None) -> str | None:
    """The name's sound key (see the module's description), or None if it has no letters.

    >>> name_key("Jon Smyth") == name_key("John Smith")
    True
    """
    letters = compact(name)
    if not letters:
        return None
    return _code(letters) or None


#: Letters whose sound depends on the letter after them (CH, GE, PH, SH, TCH, W before a vowel...).
_CONTEXT_LETTERS = frozenset("CDGKPSTWY")


def prefix_key(start: str | None) -> str | None:
    """A key that the key of every name beginning with ``start`` begins with.

    The typed start's own key nearly is, but a last letter or two whose sound
    depends on what follows cannot be judged yet ("Christop" might go on to
    PH), so up to two such letters are left off (keeping two letters at least).

    >>> name_key("Christopher").startswith(prefix_key("Christop"))
    True
    """
    letters = compact(start)
    for _ in range(2):
        if len(letters) > 2 and letters[-1] in _CONTEXT_LETTERS:
            letters = letters[:-1]
    return name_key(letters)


def keys_for(forename: str | None, surname: str | None) -> tuple[str | None, str | None]:
    """``(cb_surname_key, cb_forename_key)`` for a person, in :data:`KEY_COLUMNS` order."""
    return name_key(surname), name_key(forename)


def _code(word: str) -> str:
    # Repeated letters are one letter (Phillip, Philip).
    word = "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])
    for start, replacement in _INITIAL:
        if word.startswith(start):
            word = replacement + word[len(start) :]
            break
    if word.startswith("X"):
        word = "S" + word[1:]
    codes: list[str] = []
    i = 0
    n = len(word)
    while i < n:
        code, used = _sound(word, i)
        codes.append(code)
        i += used
    out: list[str] = []
    for code in codes:
        for ch in code:
            if not out or ch != out[-1] or ch == _SEPARATOR:
                out.append(ch)
    return "".join(out).replace(_SEPARATOR, "")


def _sound(word: str, i: int) -> tuple[str, int]:
    """The code for the letter at ``i`` and how many letters it used."""
    n = len(word)
    ch = word[i]
    prev = word[i - 1] if i > 0 else ""
    nxt = word[i + 1] if i + 1 < n else ""
    after = word[i + 2] if i + 2 < n else ""
    if ch in VOWELS or (ch == "Y" and not (i == 0 and nxt in VOWELS)):
        return ("A" if i == 0 else _SEPARATOR), 1
    if ch == "B":
        return ("" if prev == "M" and i == n - 1 else "B"), 1
    if ch == "C":
        if nxt == "H":
            if prev == "S":
                return "K", 2
            if (i == 0 and after not in ("L", "R")) or prev == "T":
                return "X", 2
            return "K", 2
        return ("S" if nxt in _SOFTENING else "K"), 1
    if ch == "D":
        if nxt == "G" and after in _SOFTENING:
            return "J", 2
        return "T", 1
    if ch == "G":
        if nxt == "H":
            return ("K" if i == 0 or after in VOWELS else ""), 2
        return ("J" if nxt in _SOFTENING else "K"), 1
    if ch == "H":
        return ("H" if i == 0 and nxt in VOWELS else ""), 1
    if ch == "P":
        if nxt == "H":
            return "F", 2
        return ("" if prev == "M" and nxt in ("S", "T") else "P"), 1
    if ch == "Q":
        return "K", 1
    if ch == "S":
        return "S", (2 if nxt == "H" else 1)
    if ch == "T":
        return ("" if nxt == "C" and after == "H" else "T"), 1
    if ch == "V":
        return "F", 1
    if ch == "W":
        return ("W" if nxt in VOWELS else ""), 1
    if ch == "X":
        return "KS", 1
    if ch == "Z":
        return "S", 1
    return ch, 1  # F J K L M N R, and Y as a consonant
