"""Translated display labels for privacy type names and levels.

Type names stay English everywhere data flows: the model emits English names, placeholders are built from them
(``<Phone_Number_1>``), and the vault stores them. Only what a person reads beside a name is translated, so a
Chinese interface shows "Phone Number（电话号码）" while the placeholder stays ``<Phone_Number_1>``.

The names are marked with ``QT_TRANSLATE_NOOP`` so ``pyside6-lupdate`` collects them into the "TypeLabels" context;
a test checks that every type of the taxonomy is listed here, so a new type cannot go untranslated.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.core.taxonomy import FALLBACK_TYPE, Level, canonical_type

CONTEXT = "TypeLabels"

TYPE_NAMES: tuple[str, ...] = (
    # PL4 — credentials and critical secrets
    QT_TRANSLATE_NOOP("TypeLabels", "Password"),
    QT_TRANSLATE_NOOP("TypeLabels", "Verification Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Token"),
    QT_TRANSLATE_NOOP("TypeLabels", "Key"),
    QT_TRANSLATE_NOOP("TypeLabels", "Private Key"),
    QT_TRANSLATE_NOOP("TypeLabels", "Payment Security Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Database Connection String"),
    QT_TRANSLATE_NOOP("TypeLabels", "Vulnerability Details"),
    QT_TRANSLATE_NOOP("TypeLabels", "Business Secret"),
    QT_TRANSLATE_NOOP("TypeLabels", "Session Token"),
    QT_TRANSLATE_NOOP("TypeLabels", "PIN"),
    QT_TRANSLATE_NOOP("TypeLabels", "Backup Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Recovery Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Security Question (Answer)"),
    QT_TRANSLATE_NOOP("TypeLabels", "Internal IP"),
    QT_TRANSLATE_NOOP("TypeLabels", "Intranet Entry Point"),
    QT_TRANSLATE_NOOP("TypeLabels", "Project/Task ID"),
    QT_TRANSLATE_NOOP("TypeLabels", "Project Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Classified Information"),
    # PL3 — highly sensitive
    QT_TRANSLATE_NOOP("TypeLabels", "ID Number"),
    QT_TRANSLATE_NOOP("TypeLabels", "Financial Account"),
    QT_TRANSLATE_NOOP("TypeLabels", "Transaction Record"),
    QT_TRANSLATE_NOOP("TypeLabels", "Assets/Income"),
    QT_TRANSLATE_NOOP("TypeLabels", "Medical Health"),
    QT_TRANSLATE_NOOP("TypeLabels", "Precise Location"),
    QT_TRANSLATE_NOOP("TypeLabels", "Itinerary/Trajectory"),
    QT_TRANSLATE_NOOP("TypeLabels", "Biometrics"),
    QT_TRANSLATE_NOOP("TypeLabels", "Communication Content"),
    QT_TRANSLATE_NOOP("TypeLabels", "Sensitive Identity"),
    QT_TRANSLATE_NOOP("TypeLabels", "Judicial Record"),
    QT_TRANSLATE_NOOP("TypeLabels", "Passport Number"),
    QT_TRANSLATE_NOOP("TypeLabels", "Driver's License Number"),
    QT_TRANSLATE_NOOP("TypeLabels", "Bank/Payment Card Number"),
    QT_TRANSLATE_NOOP("TypeLabels", "License Plate"),
    QT_TRANSLATE_NOOP("TypeLabels", "Credit Score"),
    QT_TRANSLATE_NOOP("TypeLabels", "Debt/Loan Info"),
    QT_TRANSLATE_NOOP("TypeLabels", "Medical Record"),
    QT_TRANSLATE_NOOP("TypeLabels", "Religious Beliefs"),
    QT_TRANSLATE_NOOP("TypeLabels", "Political Views/Stance"),
    QT_TRANSLATE_NOOP("TypeLabels", "Minor Information"),
    QT_TRANSLATE_NOOP("TypeLabels", "Accommodation Records"),
    # PL2 — identifiable
    QT_TRANSLATE_NOOP("TypeLabels", "Real Name"),
    QT_TRANSLATE_NOOP("TypeLabels", "Phone Number"),
    QT_TRANSLATE_NOOP("TypeLabels", "Email"),
    QT_TRANSLATE_NOOP("TypeLabels", "Detailed Address"),
    QT_TRANSLATE_NOOP("TypeLabels", "Account ID/Username"),
    QT_TRANSLATE_NOOP("TypeLabels", "Network Identifier"),
    QT_TRANSLATE_NOOP("TypeLabels", "Identity Background"),
    QT_TRANSLATE_NOOP("TypeLabels", "Relationship Info"),
    QT_TRANSLATE_NOOP("TypeLabels", "Third-Party Identifiable Info"),
    QT_TRANSLATE_NOOP("TypeLabels", "IP Address"),
    QT_TRANSLATE_NOOP("TypeLabels", "Job Title/Rank"),
    QT_TRANSLATE_NOOP("TypeLabels", "Employer/Company Name"),
    QT_TRANSLATE_NOOP("TypeLabels", "School"),
    QT_TRANSLATE_NOOP("TypeLabels", "Specific Age"),
    QT_TRANSLATE_NOOP("TypeLabels", "Specific Date of Birth"),
    QT_TRANSLATE_NOOP("TypeLabels", "Device ID"),
    QT_TRANSLATE_NOOP("TypeLabels", "Gender"),
    QT_TRANSLATE_NOOP("TypeLabels", "Zip Code"),
    QT_TRANSLATE_NOOP("TypeLabels", "Work Address"),
    # What a span gets when no type is known, and the default of "Mask as…"
    QT_TRANSLATE_NOOP("TypeLabels", "Private Info"),
)

_KNOWN = frozenset(TYPE_NAMES)


def type_label(type_name: str) -> str:
    """The translated label of a type; a type the model coined (not in the table) is shown as it is."""
    canonical = canonical_type(type_name) if type_name.strip() else FALLBACK_TYPE
    if canonical not in _KNOWN:
        return type_name
    return QCoreApplication.translate(CONTEXT, canonical)


def type_display(type_name: str) -> str:
    """The English name with its translated label beside it, or the name alone when there is nothing to add
    (an English interface, or a type coined by the model)."""
    canonical = canonical_type(type_name) if type_name.strip() else FALLBACK_TYPE
    if canonical not in _KNOWN:
        return type_name
    label = QCoreApplication.translate(CONTEXT, canonical)
    if label == canonical:
        return type_name
    return QCoreApplication.translate("TypeLabels", "%1 (%2)").replace("%1", type_name).replace("%2", label)


def level_display(level: Level) -> str:
    """ "PL3 Highly sensitive": the level's code, which stays the same in every language, and its name."""
    from app.ui.review.colors import level_name

    return f"{level.label} {level_name(level)}"
