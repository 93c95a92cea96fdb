"""Keys, tokens, private keys, connection strings, passwords and one-time codes found by the rules detector.

Every key below is made up for the test: right prefix and shape, random characters.
"""

from __future__ import annotations

import base64
import json

import pytest

from app.core.detectors.rules import RulesDetector
from app.core.taxonomy import Level

DETECTOR = RulesDetector()


def found(text: str, type_name: str) -> list[str]:
    """The values of one type that the rules detector finds in ``text``."""
    return [finding.text for finding in DETECTOR.detect(text) if finding.type == type_name]


def pl4_values(text: str) -> list[str]:
    return [finding.text for finding in DETECTOR.detect(text) if finding.level == Level.PL4]


# ---------------------------------------------------------------------------------------------------------------------
# Vendor keys

VENDOR_KEYS = [
    ("AKIAIOSFODNN7EXAMPLE", "Key"),
    ("ASIA2B3C4D5E6F7G8H9J", "Key"),
    ("ghp_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ", "Token"),
    ("gho_1a2B3c4D5e6F7g8H9i0JkLmNoPqRsTuVwXyZ", "Token"),
    ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789", "Token"),
    ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "Key"),
    ("sk-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h", "Key"),
    ("sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z-AbCd", "Key"),
    ("xoxb-123456789012-1234567890123-Ab3dEf6hIj9kLm2nOp5qRs8t", "Token"),
    ("AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW", "Key"),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Key"),
    ("rk_live_4eC39HqLyjWDarjtT1zdp7dc", "Key"),
    ("pk_live_4eC39HqLyjWDarjtT1zdp7dc", "Key"),
    ("SK0123456789abcdef0123456789abcdef", "Key"),
    ("SG.Ab3dEf6hIj9kLm2nOp5qRs.Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6hIj9kLm2", "Key"),
    ("hf_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb", "Token"),
    ("glpat-Ab3dEf6hIj9kLm2nOp5q", "Token"),
    ("npm_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3d", "Token"),
]


@pytest.mark.parametrize(("key", "type_name"), VENDOR_KEYS)
def test_vendor_keys_are_found_alone_and_in_context(key: str, type_name: str) -> None:
    assert found(f"export TOKEN_X={key}\n", type_name) == [key] or key in found(f"use {key} here", type_name)
    assert key in found(f"密钥是{key}，别外传", type_name)


@pytest.mark.parametrize(
    "text",
    [
        "the task-force met",  # "sk-" inside a word
        "sk-learn is a nickname",  # too short
        "ghp_ is GitHub's prefix",
        "AKIA is AWS's prefix",
        "skeleton-abcdefghijklmnopqrstuvwxyz",
        "sk-abcdefghijklmnopqrstuvwxyzabcdef",  # no digit: a word-like look-alike
    ],
)
def test_vendor_prefix_look_alikes_are_not_keys(text: str) -> None:
    assert pl4_values(text) == []


# ---------------------------------------------------------------------------------------------------------------------
# Secrets named by a key word


@pytest.mark.parametrize(
    ("text", "type_name", "expected"),
    [
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "Key",
            ["wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"],
        ),
        ('OPENAI_API_KEY="Zx81kQ0pLm29vBn47tYu"', "Key", ["Zx81kQ0pLm29vBn47tYu"]),
        ('{"client_secret": "9aF3kQ0pLm29vBn47tYu"}', "Key", ["9aF3kQ0pLm29vBn47tYu"]),
        ("accessToken: a1B2c3D4e5F6g7H8i9J0", "Token", ["a1B2c3D4e5F6g7H8i9J0"]),
        ("Authorization: Bearer abcDEF123456ghiJKL789", "Token", ["abcDEF123456ghiJKL789"]),
        ("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "Password", ["dXNlcjpwYXNzd29yZDEyMw=="]),
    ],
)
def test_named_secrets(text: str, type_name: str, expected: list[str]) -> None:
    assert found(text, type_name) == expected


@pytest.mark.parametrize(
    "text",
    [
        "API_KEY=your_api_key_here",
        "token = entity_mask2_token,",
        "self.cross_attn_image_to_token = Sam3TrackerAttention(config)",
        "secret = os.environ.get('SECRET')",
        "api_key: ${OPENAI_API_KEY}",
        "token: abcdefghijklmnop",  # no digit
        "The monkey = 1234567890abcdef",  # "key" inside an ordinary word
    ],
)
def test_code_and_placeholders_are_not_named_secrets(text: str) -> None:
    assert pl4_values(text) == []


# ---------------------------------------------------------------------------------------------------------------------
# JWT and PEM


def _jwt(header: dict[str, str]) -> str:
    def encode(part: dict[str, str]) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()

    return f"{encode(header)}.{encode({'sub': '1234567890', 'name': 'Test'})}.c2lnbmF0dXJlLWJ5dGVz"


def test_jwt_is_found_whole() -> None:
    token = _jwt({"alg": "HS256", "typ": "JWT"})
    assert found(f"Cookie: session={token}; path=/", "Token")[0] == token
    assert found(f"令牌{token}，", "Token") == [token]


def test_jwt_look_alike_without_a_json_header_is_not_a_token() -> None:
    fake = "eyJub3RqdXN0.eyJhbm90aGVy.c2ln"
    assert found(fake, "Token") == []


PEM_BODY = (
    "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n"
    "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n"
)


def test_pem_private_key_is_masked_as_a_whole_block() -> None:
    block = f"-----BEGIN RSA PRIVATE KEY-----\n{PEM_BODY}-----END RSA PRIVATE KEY-----"
    assert found(f"here:\n{block}\nthanks", "Private Key") == [block]


def test_pem_key_cut_off_before_its_end_line_is_masked_to_the_end_of_its_body() -> None:
    text = f"-----BEGIN OPENSSH PRIVATE KEY-----\n{PEM_BODY}\nThat is all."
    (value,) = found(text, "Private Key")
    assert value.startswith("-----BEGIN OPENSSH PRIVATE KEY-----") and PEM_BODY.strip() in value
    assert "That is all" not in value


def test_pem_markers_without_key_material_and_public_keys_are_not_private_keys() -> None:
    assert (
        found(
            '_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"\n_END = b"-----END OPENSSH PRIVATE KEY-----"',
            "Private Key",
        )
        == []
    )
    assert found(f"-----BEGIN PUBLIC KEY-----\n{PEM_BODY}-----END PUBLIC KEY-----", "Private Key") == []


# ---------------------------------------------------------------------------------------------------------------------
# Database connection strings


@pytest.mark.parametrize(
    "url",
    [
        "postgres://admin:s3cret@db.example.com:5432/app",
        "postgresql+psycopg2://app:pa55@10.0.0.5/prod",
        "mysql://root:toor@localhost/test",
        "mongodb+srv://user:Hunter2@cluster0.abcde.mongodb.net/db?retryWrites=true",
        "redis://:auth-pass@cache:6379/0",
        "jdbc:mysql://db.example.com:3306/shop?user=app&password=Secr3t",
    ],
)
def test_database_urls_with_passwords_are_masked_whole(url: str) -> None:
    assert found(f"DATABASE_URL={url}\n", "Database Connection String") == [url]
    assert found(f"连接串：{url}，谢谢", "Database Connection String") == [url]


def test_database_url_without_password_is_not_a_connection_string() -> None:
    assert found("postgres://db.example.com:5432/app", "Database Connection String") == []


def test_ado_net_connection_string() -> None:
    text = "Server=tcp:db.example.net,1433;Initial Catalog=shop;User ID=sa;Password=Pa55w0rd!;Encrypt=True;"
    assert found(text, "Database Connection String") == [text.rstrip(";")]
    assert found(text, "Password") == ["Pa55w0rd!"]


def test_key_value_string_without_a_password_is_not_a_connection_string() -> None:
    assert found("Server=db;Database=shop;Trusted_Connection=True;", "Database Connection String") == []


# ---------------------------------------------------------------------------------------------------------------------
# Passwords


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("password: hunter2", ["hunter2"]),
        ("Password=Tr0ub4dor&3", ["Tr0ub4dor&3"]),
        ("pwd=abc", ["abc"]),
        ("DB_PASSWORD=s3cr3t!", ["s3cr3t!"]),
        ('{"password": "correct horse battery"}', ["correct horse battery"]),
        ("my password is Summer2024!", ["Summer2024!"]),
        ("passcode 4821", ["4821"]),
        ("密码：abc123，谢谢", ["abc123"]),
        ("WiFi密码是qwe12345。", ["qwe12345"]),
        ("登录口令为Zz9876", ["Zz9876"]),
    ],
)
def test_passwords(text: str, expected: list[str]) -> None:
    assert found(text, "Password") == expected


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password yesterday",
        "my password is very long",  # "is" + a plain word: prose
        "Password: ********",
        "password: <Password_1>",
        "password: ${DB_PASS}",
        "def login(self, username: str, password: str) -> None:",
        "self.key_password = key_password",
        "password = get_password(self.service)",
        "passwordless login",
        "PASSWORD_FILE=/run/secrets/db",
        "我的密码是什么",
    ],
)
def test_not_passwords(text: str) -> None:
    assert found(text, "Password") == []


def test_pin_is_its_own_type() -> None:
    assert found("PIN: 4821", "PIN") == ["4821"]
    assert found("pin: the red one", "PIN") == []


# ---------------------------------------------------------------------------------------------------------------------
# One-time and recovery codes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your verification code is 482913.", ["482913"]),
        ("482913 is your verification code.", ["482913"]),
        ("Your code is 5821", ["5821"]),
        ("123456 is your code", ["123456"]),
        ("Use OTP 80612 to log in", ["80612"]),
        ("2FA code: 771204", ["771204"]),
        ("one-time password 40917733", ["40917733"]),
        ("验证码：123456", ["123456"]),
        ("验证码是123456，5分钟内有效", ["123456"]),
        ("【某银行】您的动态码为 908172，请勿泄露。", ["908172"]),
        ("654321（校验码），请勿告诉他人", ["654321"]),
    ],
)
def test_verification_codes(text: str, expected: list[str]) -> None:
    assert found(text, "Verification Code") == expected


@pytest.mark.parametrize(
    "text",
    [
        "The zip code is 94107",
        "area code 4155",
        "error code: 1234",
        "promo code 2024 applies",
        "Your verification code expires in 10 minutes.",
        "Enter the code. Order 12345678 shipped.",  # the number is in another sentence
        "verification code sent to 138-1234-5678",  # digits of a phone number
        "the code 1234 in line 5",
        "In 2023 the code was rewritten",
    ],
)
def test_not_verification_codes(text: str) -> None:
    assert found(text, "Verification Code") == []


def test_card_security_code() -> None:
    assert found("card 4111111111111111 CVV 123", "Payment Security Code") == ["123"]
    assert found("card security code 1234", "Payment Security Code") == ["1234"]
    assert found("card security code 1234", "Verification Code") == []


def test_recovery_codes_are_read_as_a_list() -> None:
    text = "Backup codes:\n1. 1234-5678\n2. 9abc-def0\n3. 5b2k-77xq\nKeep them somewhere safe."
    assert found(text, "Recovery Code") == ["1234-5678", "9abc-def0", "5b2k-77xq"]


def test_chinese_recovery_codes() -> None:
    assert found("恢复码如下：ABCD-1234，EFGH-5678。", "Recovery Code") == ["ABCD-1234", "EFGH-5678"]


def test_recovery_word_without_codes_finds_nothing() -> None:
    assert found("I saved my recovery codes in a safe place.", "Recovery Code") == []
