"""What identifies a learner who has no INE: names folded (case, accents and punctuation
ignored) and birth date. Pure functions: the imports' parsers use them too."""

import datetime
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: « Prénom » → « prenom », « Œ » → « oe »."""
    text = (text or "").casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_ALNUM.sub(" ", bare).split())


def learner_key(last_name: str, first_name: str, birth_date: datetime.date | None) -> str:
    """What identifies a learner without INE: names (case/accents ignored) and birth date."""
    born = birth_date.isoformat() if birth_date else ""
    return f"{fold(last_name)}|{fold(first_name)}|{born}"
