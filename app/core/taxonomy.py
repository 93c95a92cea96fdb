"""The privacy levels PL1–PL4 and the privacy types the detector model and the rules use.

The model may coin type names of its own, so every English string is an acceptable type. The table here only
supplies a level when the model gives none (or an invalid one), a canonical spelling for known types, and the
placeholder-safe form of a type name.
"""

from __future__ import annotations

import enum
import re
import unicodedata


class Level(enum.IntEnum):
    """How harmful a leak of a value is; higher is worse. PL1 is never extracted by the model."""

    PL1 = 1
    PL2 = 2
    PL3 = 3
    PL4 = 4

    @classmethod
    def parse(cls, value: object) -> Level | None:
        """Read "PL3", "pl3", "3" or 3; return None for anything else (the caller then falls back to the table)."""
        if isinstance(value, Level):
            return value
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return cls(value) if 1 <= value <= 4 else None
        if isinstance(value, str):
            match = re.fullmatch(r"\s*(?:pl)?\s*([1-4])\s*", value, flags=re.IGNORECASE)
            if match:
                return cls(int(match.group(1)))
        return None

    @property
    def label(self) -> str:
        return self.name


LEVEL_MEANINGS: dict[Level, str] = {
    Level.PL4: "Credentials and critical secrets: usable at once for account takeover or loss.",
    Level.PL3: "Highly sensitive: identity documents, finances, health, precise location, private records.",
    Level.PL2: "Identifiable: names, contact details, addresses, accounts and other identifiers.",
    Level.PL1: "Preferences and habits: never extracted; may stay in the text.",
}

# Canonical type name -> level. Standard tags first, then types seen in the model's training data.
TYPE_LEVELS: dict[str, Level] = {
    # PL4 — credentials and critical secrets
    "Password": Level.PL4,
    "Verification Code": Level.PL4,
    "Token": Level.PL4,
    "Key": Level.PL4,
    "Private Key": Level.PL4,
    "Payment Security Code": Level.PL4,
    "Database Connection String": Level.PL4,
    "Vulnerability Details": Level.PL4,
    "Business Secret": Level.PL4,
    "Session Token": Level.PL4,
    "PIN": Level.PL4,
    "Backup Code": Level.PL4,
    "Recovery Code": Level.PL4,
    "Security Question (Answer)": Level.PL4,
    "Internal IP": Level.PL4,
    "Intranet Entry Point": Level.PL4,
    "Project/Task ID": Level.PL4,
    "Project Code": Level.PL4,
    "Classified Information": Level.PL4,
    # PL3 — highly sensitive
    "ID Number": Level.PL3,
    "Financial Account": Level.PL3,
    "Transaction Record": Level.PL3,
    "Assets/Income": Level.PL3,
    "Medical Health": Level.PL3,
    "Precise Location": Level.PL3,
    "Itinerary/Trajectory": Level.PL3,
    "Biometrics": Level.PL3,
    "Communication Content": Level.PL3,
    "Sensitive Identity": Level.PL3,
    "Judicial Record": Level.PL3,
    "Passport Number": Level.PL3,
    "Driver's License Number": Level.PL3,
    "Bank/Payment Card Number": Level.PL3,
    "License Plate": Level.PL3,
    "Credit Score": Level.PL3,
    "Debt/Loan Info": Level.PL3,
    "Medical Record": Level.PL3,
    "Religious Beliefs": Level.PL3,
    "Political Views/Stance": Level.PL3,
    "Minor Information": Level.PL3,
    "Accommodation Records": Level.PL3,
    # PL2 — identifiable
    "Real Name": Level.PL2,
    "Phone Number": Level.PL2,
    "Email": Level.PL2,
    "Detailed Address": Level.PL2,
    "Account ID/Username": Level.PL2,
    "Network Identifier": Level.PL2,
    "Identity Background": Level.PL2,
    "Relationship Info": Level.PL2,
    "Third-Party Identifiable Info": Level.PL2,
    "IP Address": Level.PL2,
    "Job Title/Rank": Level.PL2,
    "Employer/Company Name": Level.PL2,
    "School": Level.PL2,
    "Specific Age": Level.PL2,
    "Specific Date of Birth": Level.PL2,
    "Device ID": Level.PL2,
    "Gender": Level.PL2,
    "Zip Code": Level.PL2,
    "Work Address": Level.PL2,
}

STANDARD_TYPES: dict[Level, tuple[str, ...]] = {
    Level.PL4: (
        "Password",
        "Verification Code",
        "Token",
        "Key",
        "Private Key",
        "Payment Security Code",
        "Database Connection String",
        "Vulnerability Details",
        "Business Secret",
    ),
    Level.PL3: (
        "ID Number",
        "Financial Account",
        "Transaction Record",
        "Assets/Income",
        "Medical Health",
        "Precise Location",
        "Itinerary/Trajectory",
        "Biometrics",
        "Communication Content",
        "Sensitive Identity",
        "Judicial Record",
    ),
    Level.PL2: (
        "Real Name",
        "Phone Number",
        "Email",
        "Detailed Address",
        "Account ID/Username",
        "Network Identifier",
        "Identity Background",
        "Relationship Info",
    ),
}

# Other spellings that mean a known type (compared after normalisation, see `type_key`).
TYPE_ALIASES: dict[str, str] = {
    "Email Address": "Email",
    "E-mail": "Email",
    "Phone": "Phone Number",
    "Mobile Number": "Phone Number",
    "Telephone Number": "Phone Number",
    "Name": "Real Name",
    "Address": "Detailed Address",
    "Username": "Account ID/Username",
    "Account ID": "Account ID/Username",
    "API Key": "Key",
    "Secret Key": "Key",
    "Access Token": "Token",
    "OTP": "Verification Code",
    "One-Time Code": "Verification Code",
    "Credit Card Number": "Bank/Payment Card Number",
    "Card Number": "Bank/Payment Card Number",
    "Bank Account": "Financial Account",
    "IBAN": "Financial Account",
    "SSN": "ID Number",
    "Social Security Number": "ID Number",
    "IP": "IP Address",
    "Date of Birth": "Specific Date of Birth",
    "Age": "Specific Age",
    "CVV": "Payment Security Code",
    "Third Party Identifiable Info": "Third-Party Identifiable Info",
}

# Used when the model coins a type the table does not know and gives no valid level: masked by the default policy.
UNKNOWN_TYPE_LEVEL = Level.PL3
FALLBACK_TYPE = "Private Info"
MAX_TYPE_LENGTH = 64


def type_key(type_name: str) -> str:
    """A spelling-insensitive key: "Account ID/Username", "account_id username" and "ACCOUNT-ID-USERNAME" agree."""
    folded = unicodedata.normalize("NFKC", type_name).casefold()
    return re.sub(r"[^0-9a-z]+", "", folded)


_CANONICAL_BY_KEY: dict[str, str] = {type_key(name): name for name in TYPE_LEVELS}
_CANONICAL_BY_KEY.update({type_key(alias): name for alias, name in TYPE_ALIASES.items()})


def canonical_type(type_name: str) -> str:
    """The table's spelling of a known type; an unknown type is kept (trimmed, one line, bounded in length)."""
    known = _CANONICAL_BY_KEY.get(type_key(type_name))
    if known:
        return known
    # Markup, control characters and other punctuation could smuggle text into the UI or a placeholder: keep only
    # letters, digits, spaces and the punctuation real type names use.
    readable = re.sub(r"[^\w\s/'()&.,-]|_", " ", unicodedata.normalize("NFKC", type_name))
    cleaned = " ".join(readable.split())[:MAX_TYPE_LENGTH].strip()
    if not re.search(r"[A-Za-z]", cleaned):
        return FALLBACK_TYPE
    return cleaned


def is_known_type(type_name: str) -> bool:
    return type_key(type_name) in _CANONICAL_BY_KEY


def level_for_type(type_name: str) -> Level:
    """The level the table gives a type; unknown types get `UNKNOWN_TYPE_LEVEL`."""
    return TYPE_LEVELS.get(canonical_type(type_name), UNKNOWN_TYPE_LEVEL)


def resolve_level(type_name: str, claimed: object) -> Level:
    """The claimed level if it is one (PL1–PL4), else the table's level for the type.

    A PL1 claim is kept as PL1, never raised: the model says the item is a preference, and the caller drops it
    (`model_output`) rather than masking what the model judged harmless.
    """
    level = Level.parse(claimed)
    return level if level is not None else level_for_type(type_name)


def placeholder_type_name(type_name: str) -> str:
    """The type as it appears inside a placeholder: only ``[A-Za-z0-9_]``.

    ``Third-Party Identifiable Info`` becomes ``Third_Party_Identifiable_Info`` and ``Driver's License Number`` becomes
    ``Driver_s_License_Number``: unlike the reference code, a placeholder never holds ``-`` or ``'`` that a restore
    pattern would then miss. Non-ASCII letters are decomposed and dropped; nothing usable left gives ``Private_Info``.
    """
    ascii_only = unicodedata.normalize("NFKD", type_name).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9]+", "_", ascii_only).strip("_")
    if not name or not name[0].isalpha():
        name = "Private_Info" if not name else f"Type_{name}"
    return name[:MAX_TYPE_LENGTH]
