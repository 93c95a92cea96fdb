"""Writes ``rules_corpus.jsonl``: realistic pastes with gold spans for the rules detector (run once, commit the result).

Run from the repository root::

    .venv/bin/python -m tests.data.make_rules_corpus

Each template is a paste as people really send it (config files, code, curl commands, logs, mails, chats, OTP
messages …) with slots written ``«kind»``. A slot draws a fake value of its kind; kinds with a taxonomy type become
gold spans, the others (names, order numbers, versions, timestamps) are filler the rules must leave alone. Templates
under ``CLEAN`` must yield no finding at all. Every value is made up; formats with check digits (cards, IBANs, Chinese
resident IDs, SSN ranges, UK National Insurance numbers) get valid ones. The random generator is seeded, so the file
is reproducible.
"""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from collections.abc import Callable
from pathlib import Path

from app.core.detectors.rules.validators import cn_resident_id_check_char, luhn_valid
from app.core.taxonomy import level_for_type

OUTPUT = Path(__file__).with_name("rules_corpus.jsonl")
SEED = 20261203
RENDERS_PER_POSITIVE = 3
RENDERS_PER_CLEAN = 2  # clean templates without slots are written once
R = random.Random(SEED)

Value = tuple[str, str | None]  # (text, taxonomy type or None for filler)

ALNUM = string.ascii_letters + string.digits


def rnd(alphabet: str, length: int) -> str:
    return "".join(R.choice(alphabet) for _ in range(length))


def mixed(length: int, alphabet: str = ALNUM) -> str:
    """Random characters with at least one digit, one upper and one lower case letter (a real key's look)."""
    while True:
        value = rnd(alphabet, length)
        wanted = [kind for kind in (str.isdigit, str.isupper, str.islower) if any(kind(c) for c in alphabet)]
        if all(any(kind(c) for c in value) for kind in wanted):
            return value


def hex_(length: int) -> str:
    while True:
        value = rnd("0123456789abcdef", length)
        if any(c.isalpha() for c in value) and any(c.isdigit() for c in value):
            return value


def digits(length: int, first: str = "123456789") -> str:
    return R.choice(first) + rnd(string.digits, length - 1)


# --------------------------------------------------------------------------------------------------------------------
# Values with check digits


def luhn_complete(prefix: str, length: int) -> str:
    body = prefix + rnd(string.digits, length - len(prefix) - 1)
    for check in string.digits:
        if luhn_valid(body + check):
            return body + check
    raise AssertionError("unreachable")


def card() -> str:
    number = luhn_complete(R.choice(["4", "51", "53", "55", "2221", "6011", "62"]), 16)
    style = R.choice(["plain", "space", "dash"])
    if style == "plain":
        return number
    sep = " " if style == "space" else "-"
    return sep.join(number[i : i + 4] for i in range(0, 16, 4))


def iban() -> str:
    country, length = R.choice([("DE", 22), ("GB", 22), ("FR", 27), ("NL", 18), ("ES", 24)])
    if country == "GB":
        bban = rnd(string.ascii_uppercase, 4) + rnd(string.digits, 14)
    elif country == "NL":
        bban = rnd(string.ascii_uppercase, 4) + rnd(string.digits, 10)
    else:
        bban = rnd(string.digits, length - 4)
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(numeric) % 97
    value = f"{country}{check:02d}{bban}"
    if R.random() < 0.5:
        value = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    return value


def cn_id() -> str:
    area = R.choice(["110101", "310104", "440305", "330106", "510107", "320102"])
    born = f"{R.randint(1960, 2002)}{R.randint(1, 12):02d}{R.randint(1, 28):02d}"
    first17 = area + born + rnd(string.digits, 3)
    return first17 + cn_resident_id_check_char(first17)


def ssn_parts() -> tuple[str, str, str]:
    area = R.choice([n for n in range(1, 900) if n != 666])
    return f"{area:03d}", f"{R.randint(1, 99):02d}", f"{R.randint(1, 9999):04d}"


def ssn() -> str:
    return "-".join(ssn_parts())


def ssn_bare() -> str:
    return "".join(ssn_parts())


_NINO_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NINO_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NINO_BAD_PREFIXES = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def nino() -> str:
    while True:
        prefix = R.choice(_NINO_FIRST) + R.choice(_NINO_SECOND)
        if prefix not in _NINO_BAD_PREFIXES:
            break
    number = rnd(string.digits, 6)
    suffix = R.choice("ABCD")
    if R.random() < 0.5:
        return f"{prefix} {number[:2]} {number[2:4]} {number[4:]} {suffix}"
    return f"{prefix}{number}{suffix}"


# --------------------------------------------------------------------------------------------------------------------
# Secrets

_WORDS = [
    "Summer",
    "winter",
    "Blue",
    "tiger",
    "Maple",
    "coffee",
    "Dragon",
    "sunset",
    "Falcon",
    "river",
    "Panda",
    "rocket",
    "Lotus",
    "harbor",
    "Cobalt",
    "mango",
]


def password() -> str:
    shape = R.randrange(4)
    if shape == 0:
        return R.choice(_WORDS) + str(R.randint(10, 2029)) + R.choice("!@#$%&*?")
    if shape == 1:
        return mixed(R.randint(10, 16), ALNUM + "!#$%^&*_-")
    if shape == 2:
        return R.choice(_WORDS).lower() + R.choice(".-_") + R.choice(_WORDS) + str(R.randint(1, 99))
    return mixed(R.randint(8, 12))


def url_password() -> str:
    """Passwords with the characters that break naive URL parsing."""
    word = R.choice(_WORDS)
    return R.choice(
        [
            f"{word}#{R.randint(10, 99)}!x",
            f"p@ss{R.randint(100, 999)}{word}",
            f"{word}/{R.randint(1000, 9999)}!",
            f"Q{R.randint(1, 9)}#{mixed(6)}@{R.randint(10, 99)}",
            f"{mixed(8)}!{R.randint(1, 9)}#",
        ]
    )


def vendor_token() -> Value:
    kind = R.randrange(18)
    if kind == 0:
        return "AKIA" + rnd(string.ascii_uppercase + "234567", 16), "Key"
    if kind == 1:
        return "ghp_" + mixed(36), "Token"
    if kind == 2:
        return "hf_" + mixed(34, string.ascii_letters), "Token"
    if kind == 3:
        return "AKID" + mixed(32), "Key"
    if kind == 4:
        return "glpat-" + mixed(20, ALNUM + "_-"), "Token"
    if kind == 5:
        return "sk-ant-api03-" + mixed(93, ALNUM + "_-") + "AA", "Key"
    if kind == 6:
        return f"xoxb-{digits(12)}-{digits(13)}-{mixed(24)}", "Token"
    if kind == 7:
        return "sk_live_" + mixed(24), "Key"
    if kind == 8:
        return f"SG.{mixed(22, ALNUM + '_-')}.{mixed(43, ALNUM + '_-')}", "Key"
    if kind == 9:
        return "npm_" + mixed(36), "Token"
    if kind == 10:
        return "pypi-AgEIcHlwaS5vcmc" + mixed(60, ALNUM + "_-"), "Token"
    if kind == 11:
        return "dop_v1_" + hex_(64), "Token"
    if kind == 12:
        return "LTAI5t" + mixed(18), "Key"
    if kind == 13:
        return "SK" + hex_(32), "Key"
    if kind == 14:
        return "sk-proj-" + mixed(48, ALNUM + "_-"), "Key"
    if kind == 15:
        return "xoxp-" + f"{digits(11)}-{digits(12)}-{digits(13)}-{hex_(32)}", "Token"
    if kind == 16:
        return "rk_live_" + mixed(24), "Key"
    return "glrt-" + mixed(20, ALNUM + "_-"), "Token"


def django_key() -> str:
    return "django-insecure-" + rnd(string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)", 50)


def bcrypt_hash() -> str:
    return f"$2{R.choice('aby')}$1{R.randint(0, 2)}$" + rnd(string.ascii_letters + string.digits + "./", 53)


def argon2_hash() -> str:
    salt = rnd(ALNUM + "+/", 22)
    digest = rnd(ALNUM + "+/", 43)
    return f"$argon2id$v=19$m=65536,t=3,p=4${salt}${digest}"


def jwt() -> str:
    import base64

    def b64(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    header = b64({"alg": "HS256", "typ": "JWT"})
    payload = b64({"sub": str(R.randint(1000, 99999)), "iat": 1700000000 + R.randint(0, 9999999)})
    return f"{header}.{payload}.{mixed(43, ALNUM + '_-')}"


def pem() -> str:
    body = "\n".join(mixed(64, ALNUM + "+/") for _ in range(R.randint(3, 6)))
    label = R.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"])
    return f"-----BEGIN {label}-----\n{body}\n{mixed(20, ALNUM + '+/')}==\n-----END {label}-----"


def secret_value() -> str:
    return R.choice([mixed(32), hex_(40), mixed(24, ALNUM + "_-"), hex_(32), mixed(44, ALNUM + "+/") + "="])


def salt() -> str:
    return R.choice([hex_(32), mixed(64, ALNUM + "!@#$%^&*()_-+=[]{}<>?~"), mixed(22, ALNUM + "./")])


# --------------------------------------------------------------------------------------------------------------------
# URLs


def host() -> str:
    return R.choice(
        [
            "db.internal.acme.io",
            "git.example-corp.com",
            "ftp.files.northwind.net",
            "proxy.corp.lan",
            "nas.home.arpa",
            "mq.prod.contoso.cloud",
            "registry.tailspin.dev",
        ]
    )


def db_url() -> str:
    scheme = R.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp", "mysql+pymysql"])
    user = R.choice(["app", "admin", "svc_billing", "root", "etl"])
    return (
        f"{scheme}://{user}:{R.choice([password(), url_password()])}@{host()}:{R.randint(1024, 65000)}/"
        f"{R.choice(['prod', 'orders', 'analytics', 'main'])}"
    )


def slack_webhook() -> str:
    return (
        f"T{mixed(8, string.ascii_uppercase + string.digits)}/B{mixed(10, string.ascii_uppercase + string.digits)}"
        f"/{mixed(24)}"
    )


def discord_webhook() -> str:
    return f"{digits(18)}/{mixed(68, ALNUM + '_-')}"


def teams_webhook() -> str:
    return (
        f"{uuid.UUID(int=R.getrandbits(128))}@{uuid.UUID(int=R.getrandbits(128))}/IncomingWebhook/{hex_(32)}/"
        f"{uuid.UUID(int=R.getrandbits(128))}"
    )


def a_uuid() -> str:
    return str(uuid.UUID(int=R.getrandbits(128)))


def sentry_key() -> str:
    return hex_(32)


# --------------------------------------------------------------------------------------------------------------------
# Codes


def otp() -> str:
    shape = R.randrange(6)
    if shape == 0:
        return digits(6, string.digits)
    if shape == 1:
        return f"{digits(3, string.digits)}-{digits(3, string.digits)}"
    if shape == 2:
        return f"{digits(3, string.digits)} {digits(3, string.digits)}"
    if shape == 3:
        return f"{rnd(string.ascii_uppercase, 3)}-{digits(4)}"
    if shape == 4:
        return digits(R.choice([4, 5, 8]), string.digits)
    return mixed(6, string.ascii_uppercase + string.digits)


def backup_code() -> str:
    shape = R.randrange(3)
    if shape == 0:
        return f"{digits(4, string.digits)}-{digits(4, string.digits)}"
    if shape == 1:
        return f"{hex_(4)}-{hex_(4)}"
    return digits(8, string.digits)


def backup_list(separator: str) -> list[Value]:
    values: list[Value] = []
    for index in range(R.randint(4, 8)):
        if index:
            values.append((separator, None))
        values.append((backup_code(), "Recovery Code"))
    return values


def pin() -> str:
    return digits(R.choice([4, 4, 6]), string.digits)


# --------------------------------------------------------------------------------------------------------------------
# Identity, finance, contact


def dob_en() -> str:
    year, month, day = R.randint(1950, 2004), R.randint(1, 12), R.randint(1, 28)
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    return R.choice(
        [
            f"{year}-{month:02d}-{day:02d}",
            f"{day:02d}/{month:02d}/{year}",
            f"{month:02d}/{day:02d}/{year}",
            f"{day} {months[month - 1]} {year}",
            f"{months[month - 1][:3]} {day}, {year}",
            f"{day:02d}.{month:02d}.{year}",
        ]
    )


def dob_zh() -> str:
    year, month, day = R.randint(1950, 2004), R.randint(1, 12), R.randint(1, 28)
    return R.choice(
        [
            f"{year}年{month}月{day}日",
            f"{year}-{month:02d}-{day:02d}",
            f"{year}/{month}/{day}",
            f"{year}.{month:02d}.{day:02d}",
        ]
    )


def passport() -> str:
    return R.choice(
        [
            digits(9),
            "E" + digits(8, string.digits),
            "EA" + digits(7, string.digits),
            R.choice("CFGHJK") + rnd("CFGHJKLMNPRTVWXYZ0123456789", 8),
            "G" + digits(8, string.digits),
        ]
    )


def bank_account() -> str:
    return R.choice([digits(8), digits(10), digits(12), digits(16, "3479"), f"{digits(4)} {digits(4)} {digits(4)}"])


def cn_bank_account() -> str:
    return R.choice(
        [digits(19, "3479"), f"{digits(4, '3479')} {digits(4)} {digits(4)} {digits(4)} {digits(3)}", digits(17, "3479")]
    )


def email() -> str:
    first = R.choice(
        [
            "dana",
            "li.wei",
            "m.kowalski",
            "jsmith",
            "zhang.min",
            "priya.r",
            "o.brien",
            "chen_jie",
            "alex+billing",
            "wang.fang88",
        ]
    )
    domain = R.choice(
        [
            "example.com",
            "acme-corp.io",
            "gmail.com",
            "qq.com",
            "163.com",
            "northwind.co.uk",
            "contoso.org",
            "outlook.com",
        ]
    )
    return f"{first}@{domain}"


def phone_us() -> str:
    area, mid, end = R.randint(201, 989), R.randint(201, 989), R.randint(0, 9999)
    return R.choice(
        [
            f"({area}) {mid}-{end:04d}",
            f"{area}-{mid}-{end:04d}",
            f"+1 {area} {mid} {end:04d}",
            f"{area}.{mid}.{end:04d}",
        ]
    )


def phone_cn() -> str:
    number = R.choice(["138", "139", "186", "150", "177", "199"]) + rnd(string.digits, 8)
    return R.choice(
        [
            number,
            f"{number[:3]} {number[3:7]} {number[7:]}",
            f"+86 {number}",
            f"{number[:3]}-{number[3:7]}-{number[7:]}",
        ]
    )


def landline_cn() -> str:
    area = R.choice(["021", "010", "0755", "020", "0571", "028"])
    local = digits(8, "2345678")
    return R.choice([f"{area}-{local}", f"{area}-{local[:4]} {local[4:]}", f"({area}){local}"])


def ip_public() -> str:
    first = R.choice([34, 52, 101, 118, 139, 172, 185, 203])
    return f"{first}.{R.randint(1, 254)}.{R.randint(1, 254)}.{R.randint(1, 254)}"


def ip_internal() -> str:
    return R.choice(
        [
            f"10.{R.randint(0, 255)}.{R.randint(0, 255)}.{R.randint(2, 254)}",
            f"192.168.{R.randint(0, 255)}.{R.randint(2, 254)}",
            f"172.{R.randint(16, 31)}.{R.randint(0, 255)}.{R.randint(2, 254)}",
        ]
    )


def mac() -> str:
    raw = hex_(12)
    pairs = [raw[i : i + 2] for i in range(0, 12, 2)]
    quads = [raw[i : i + 4] for i in range(0, 12, 4)]
    return R.choice([":".join(pairs), "-".join(quads), "-".join(pairs).upper()])


# --------------------------------------------------------------------------------------------------------------------
# Filler (never gold)


def name_en() -> str:
    return R.choice(["Dana Reyes", "Tom Becker", "Priya Raman", "Marco Rossi", "Sarah O'Neil", "Kenji Sato"])


def name_zh() -> str:
    return R.choice(["张伟", "李娜", "王芳", "陈杰", "刘洋", "赵敏"])


def order() -> str:
    return R.choice([f"ORD-{digits(6)}", f"#{digits(5)}", f"PO-{R.randint(2023, 2026)}-{digits(4)}", f"INV{digits(7)}"])


def version() -> str:
    return R.choice(
        [
            f"{R.randint(1, 9)}.{R.randint(0, 30)}.{R.randint(0, 99)}",
            f"{R.randint(1, 5)}.{R.randint(0, 9)}.{R.randint(0, 30)}.{R.randint(0, 999)}",
        ]
    )


def timestamp() -> str:
    return (
        f"2026-{R.randint(1, 12):02d}-{R.randint(1, 28):02d} {R.randint(0, 23):02d}:{R.randint(0, 59):02d}:"
        f"{R.randint(0, 59):02d}"
    )


def amount() -> str:
    return R.choice(
        [
            f"${R.randint(5, 9999)}.{R.randint(0, 99):02d}",
            f"¥{R.randint(10, 99999)}",
            f"€{R.randint(5, 999)},{R.randint(0, 99):02d}",
            f"{R.randint(2, 500)} USD",
        ]
    )


def tracking() -> str:
    return R.choice(
        ["1Z" + rnd(string.ascii_uppercase + string.digits, 16), digits(12), digits(22, "9"), "SF" + digits(12)]
    )


def routing() -> str:
    return R.choice(["021000021", "026009593", "121000248", "011401533", "071000013"])


def port() -> str:
    return str(R.choice([5432, 3306, 6379, 8080, 8443, 27017, 9200]))


def pid() -> str:
    return str(R.randint(1000, 65000))


def words(*options: str) -> Callable[[], str]:
    return lambda: R.choice(options)


GOLD: dict[str, Callable[[], Value]] = {
    "pw": lambda: (password(), "Password"),
    "urlpw": lambda: (url_password(), "Password"),
    "vendor": vendor_token,
    "hf": lambda: ("hf_" + mixed(34, string.ascii_letters), "Token"),
    "akid": lambda: ("AKID" + mixed(32), "Key"),
    "aws_id": lambda: ("AKIA" + rnd(string.ascii_uppercase + "234567", 16), "Key"),
    "aws_secret": lambda: (mixed(40, ALNUM + "/+"), "Key"),
    "django": lambda: (django_key(), "Key"),
    "bcrypt": lambda: (bcrypt_hash(), "Password"),
    "argon2": lambda: (argon2_hash(), "Password"),
    "secret": lambda: (secret_value(), "Key"),
    "salt": lambda: (salt(), "Key"),
    "token": lambda: (mixed(R.choice([32, 40, 48]), ALNUM + "_-"), "Token"),
    "jwt": lambda: (jwt(), "Token"),
    "pem": lambda: (pem(), "Private Key"),
    "dburl": lambda: (db_url(), "Database Connection String"),
    "slack_hook": lambda: (slack_webhook(), "Token"),
    "discord_hook": lambda: (discord_webhook(), "Token"),
    "feishu_hook": lambda: (a_uuid(), "Token"),
    "teams_hook": lambda: (teams_webhook(), "Token"),
    "wecom_key": lambda: (a_uuid(), "Key"),
    "sentry": lambda: (sentry_key(), "Key"),
    "otp": lambda: (otp(), "Verification Code"),
    "otp6": lambda: (digits(6, string.digits), "Verification Code"),
    "cvv": lambda: (digits(3), "Payment Security Code"),
    "pin": lambda: (pin(), "PIN"),
    "card": lambda: (card(), "Bank/Payment Card Number"),
    "iban": lambda: (iban(), "Financial Account"),
    "acct": lambda: (bank_account(), "Financial Account"),
    "cnacct": lambda: (cn_bank_account(), "Financial Account"),
    "cnid": lambda: (cn_id(), "ID Number"),
    "ssn": lambda: (ssn(), "ID Number"),
    "ssn_bare": lambda: (ssn_bare(), "ID Number"),
    "nino": lambda: (nino(), "ID Number"),
    "passport": lambda: (passport(), "Passport Number"),
    "dob": lambda: (dob_en(), "Specific Date of Birth"),
    "dobzh": lambda: (dob_zh(), "Specific Date of Birth"),
    "email": lambda: (email(), "Email"),
    "email_enc": lambda: (email().replace("@", "%40").replace("+", "%2B"), "Email"),
    "phone_us": lambda: (phone_us(), "Phone Number"),
    "phone_cn": lambda: (phone_cn(), "Phone Number"),
    "landline": lambda: (landline_cn(), "Phone Number"),
    "ip": lambda: (ip_public(), "IP Address"),
    "ipint": lambda: (ip_internal(), "Internal IP"),
    "mac": lambda: (mac(), "Device ID"),
}

FILLER: dict[str, Callable[[], str]] = {
    "name": name_en,
    "namezh": name_zh,
    "order": order,
    "version": version,
    "ts": timestamp,
    "amount": amount,
    "tracking": tracking,
    "routing": routing,
    "port": port,
    "pid": pid,
    "host": host,
    "uuid": a_uuid,
    "user": words("admin", "deploy", "jenkins", "svc-backup", "alice", "ops"),
    "ssid": words("HomeNet-5G", "TP-LINK_8F2A", "Cafe Guest", "ChinaNet-x7Kp", "OfficeWiFi"),
    "city": words("Berlin", "Austin", "Shenzhen", "Leeds", "Hangzhou", "Toronto"),
}

_SLOT = re.compile(r"«(\w+)»")


def render(template: str) -> tuple[str, list[dict[str, object]]]:
    """The text of one paste and its gold spans."""
    pieces: list[str] = []
    spans: list[dict[str, object]] = []
    position = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[position : match.start()]
        pieces.append(literal)
        length += len(literal)
        kind = match.group(1)
        values: list[Value]
        if kind in GOLD:
            values = [GOLD[kind]()]
        elif kind.startswith("backup"):
            values = backup_list({"backup": "\n", "backupc": ", ", "backups": "  "}[kind])
        else:
            values = [(FILLER[kind](), None)]
        for value, type_name in values:
            if type_name is not None:
                spans.append(
                    {
                        "start": length,
                        "end": length + len(value),
                        "text": value,
                        "type": type_name,
                        "level": level_for_type(type_name).label,
                    }
                )
            pieces.append(value)
            length += len(value)
        position = match.end()
    pieces.append(template[position:])
    return "".join(pieces), spans


def main() -> None:
    from tests.data.rules_corpus_templates import CLEAN, POSITIVE

    records = []
    for group, templates in (("positive", POSITIVE), ("clean", CLEAN)):
        for index, (language, kind, template) in enumerate(templates):
            renders = RENDERS_PER_POSITIVE if group == "positive" else RENDERS_PER_CLEAN
            for copy in range(renders if _SLOT.search(template) else 1):
                text, spans = render(template)
                if group == "clean" and spans:
                    raise ValueError(f"clean template {index} has gold slots")
                if group == "positive" and not spans:
                    raise ValueError(f"positive template {index} has no gold slot")
                records.append(
                    {
                        "id": f"{group}-{index:03d}-{copy}",
                        "language": language,
                        "kind": kind,
                        "clean": group == "clean",
                        "text": text,
                        "spans": spans,
                    }
                )
    with OUTPUT.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{len(records)} pastes, {sum(len(r['spans']) for r in records)} gold spans -> {OUTPUT}")


if __name__ == "__main__":
    main()
