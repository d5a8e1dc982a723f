"""An import's counts (created, updated…) as the pages, the history, the audit trail and the
command line say them, with French agreement: « 1 ignoré », « 2 créées » (divisions),
« 1 élève sorti ». One or none takes the singular, as French writes « 0 modifié ».
"""

from dataclasses import dataclass

from carnet.imports.enums import BatchKind

# word → (masculine singular, masculine plural, feminine singular, feminine plural)
WORDS = {
    "created": ("créé", "créés", "créée", "créées"),
    "updated": ("modifié", "modifiés", "modifiée", "modifiées"),
    "unchanged": ("inchangé", "inchangés", "inchangée", "inchangées"),
    "left": ("sorti", "sortis", "sortie", "sorties"),
    "departed": ("parti", "partis", "partie", "parties"),
    "skipped": ("ignoré", "ignorés", "ignorée", "ignorées"),
    "existing": ("existant", "existants", "existante", "existantes"),
    "disabled": ("désactivé", "désactivés", "désactivée", "désactivées"),
    "enabled": ("réactivé", "réactivés", "réactivée", "réactivées"),
}
# What changes nothing: left out of the history's summary and of the audit trail.
QUIET = {"unchanged", "skipped", "existing"}


def agreed(n: int, word: str, *, feminine: bool = False) -> str:
    forms = WORDS[word]
    return forms[(2 if feminine else 0) + (0 if n <= 1 else 1)]


@dataclass(frozen=True)
class CountRow:
    key: str  # key of the counts ("pupils")
    label: str  # row of the counts table (« Élèves »)
    singular: str  # « élève »
    plural: str  # « élèves »
    actions: tuple[tuple[str, str], ...]  # (key of the count, word), in the order shown
    feminine: bool = False

    def noun(self, n: int) -> str:
        return self.singular if n <= 1 else self.plural

    def figures(self, counts: dict) -> list[tuple[str, int]]:
        """[(« créés », 60), (« modifié », 0)…] for the counts table."""
        return [
            (agreed(counts.get(key, 0), word, feminine=self.feminine), counts.get(key, 0))
            for key, word in self.actions
        ]

    def line(self, counts: dict, *, changes_only: bool = False) -> str:
        """« 60 créés, 0 modifié… »; with ``changes_only``, « 60 créés » alone."""
        return ", ".join(
            f"{n} {shown}"
            for (_, word), (shown, n) in zip(self.actions, self.figures(counts), strict=True)
            if not changes_only or (n and word not in QUIET)
        )


SIECLE_COUNTS = (
    CountRow(
        "pupils",
        "Élèves",
        "élève",
        "élèves",
        (
            ("created", "created"),
            ("updated", "updated"),
            ("unchanged", "unchanged"),
            ("left", "left"),
        ),
    ),
    # Divisions and groups together: the masculine carries the agreement.
    CountRow(
        "divisions",
        "Divisions et groupes",
        "division ou groupe",
        "divisions et groupes",
        (("created", "created"), ("updated", "updated"), ("unchanged", "unchanged")),
    ),
    CountRow(
        "staff",
        "Personnels",
        "personnel",
        "personnels",
        (
            ("created", "created"),
            ("updated", "updated"),
            ("unchanged", "unchanged"),
            ("skipped", "skipped"),
            ("left", "departed"),
        ),
    ),
)
OUTSIDE_COUNTS = (
    CountRow(
        "pupils",
        "Apprenants",
        "apprenant",
        "apprenants",
        (("created", "created"), ("updated", "updated"), ("unchanged", "unchanged")),
    ),
    CountRow(
        "divisions",
        "Divisions",
        "division",
        "divisions",
        (("created", "created"), ("unchanged", "existing")),
        feminine=True,
    ),
)
COUNT_TABLES = {BatchKind.SIECLE: SIECLE_COUNTS, BatchKind.OUTSIDE_SIECLE: OUTSIDE_COUNTS}


def count_rows(table: tuple[CountRow, ...], counts: dict) -> list[tuple[str, list]]:
    """The rows of the counts table: [(« Élèves », [(« créés », 60)…])…]."""
    return [(row.label, row.figures(counts[row.key])) for row in table if row.key in counts]


def counts_summary(table: tuple[CountRow, ...], counts: dict) -> str:
    """« 60 élèves créés, 1 élève sorti ; 5 personnels créés » (the history's « Résumé »)."""
    parts = []
    for row in table:
        figures = counts.get(row.key, {})
        phrases = [
            f"{figures.get(key, 0)} {row.noun(figures.get(key, 0))} "
            f"{agreed(figures.get(key, 0), word, feminine=row.feminine)}"
            for key, word in row.actions
            if figures.get(key, 0) and word not in QUIET
        ]
        if phrases:
            parts.append(", ".join(phrases))
    return " ; ".join(parts) or "aucun changement"


def counts_for_audit(table: tuple[CountRow, ...], counts: dict, accounts: dict) -> dict:
    """The counts as audit changes: {« Élèves »: ["", "3 créés, 1 sorti"]…}, and the
    accounts disabled or enabled again ({"disabled": n, "enabled": n})."""
    changes = {
        row.label: ["", row.line(counts[row.key], changes_only=True)]
        for row in table
        if row.key in counts and row.line(counts[row.key], changes_only=True)
    }
    figures = [(accounts.get(word, 0), word) for word in ("disabled", "enabled")]
    if any(n for n, _ in figures):
        changes["Comptes"] = ["", ", ".join(f"{n} {agreed(n, word)}" for n, word in figures if n)]
    return changes
