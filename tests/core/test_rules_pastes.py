"""Shapes people really paste (config files, URLs, webhooks, codes, IDs) and the false alarms the rules must avoid.

Every value is made up for the test: right shape and check digits, random characters.
"""

from __future__ import annotations

import pytest

from app.core.detectors.rules import RulesDetector

DETECTOR = RulesDetector()


def found(text: str, type_name: str | None = None) -> list[str]:
    """The values the rules find in ``text`` (of one type, when given), in order."""
    return [finding.text for finding in DETECTOR.detect(text) if type_name is None or finding.type == type_name]


# ---------------------------------------------------------------------------------------------------------------------
# Secrets in config and code


@pytest.mark.parametrize(
    ("text", "value", "type_name"),
    [
        ("DB_PASSWORD=rocket.tiger2\n", "rocket.tiger2", "Password"),
        ("export PGPASSWORD=tiger-Lotus27\n", "tiger-Lotus27", "Password"),
        ("  POSTGRES_PASSWORD: sunset.Blue33\n", "sunset.Blue33", "Password"),
        ('password = "hunter"\n', "hunter", "Password"),
        ("define( 'DB_PASSWORD', 'Dragon1345@' );", "Dragon1345@", "Password"),
        ("define( 'AUTH_KEY', 'L4No#U4)5e$vdsln%ibhPPY' );", "L4No#U4)5e$vdsln%ibhPPY", "Key"),
        ("WORDPRESS_NONCE_SALT=_@+tzgi(APmh{c[daG>{xW&2_>q=sn", "_@+tzgi(APmh{c[daG>{xW&2_>q=sn", "Key"),
        ('app.config["SECRET_KEY"] = "giVlXpN9bgxiMDOlRQkXApfT"', "giVlXpN9bgxiMDOlRQkXApfT", "Key"),
        ("$db['default']['password'] = 'qi2Zeb0Mf';", "qi2Zeb0Mf", "Password"),
        ('login(token="s3Kx9vQ2mZ7pL1aB8nC4")', "s3Kx9vQ2mZ7pL1aB8nC4", "Token"),
        ("SECRET_KEY_BASE: xNQvHX9dYWabDgczBpojRtoQ", "xNQvHX9dYWabDgczBpojRtoQ", "Key"),
        ("SECRET_KEY=supersecretvalue\n", "supersecretvalue", "Key"),
        ('{"webhookSecret": "a8Fk2LmQ9xZ3vB7n"}', "a8Fk2LmQ9xZ3vB7n", "Key"),
        ("jwt_secret = 'c2e266d12d5b793dc487'", "c2e266d12d5b793dc487", "Key"),
        ("mysql -u root -pW6gWLeoD%*Jw -h db", "W6gWLeoD%*Jw", "Password"),
        ("docker login -u deploy -p 1BCCfcoNN8 registry.example.com", "1BCCfcoNN8", "Password"),
        ("curl -u jenkins:P1oKrpq0f https://ci.example.com", "jenkins:P1oKrpq0f", "Password"),
    ],
)
def test_secrets_assigned_in_config_and_code(text: str, value: str, type_name: str) -> None:
    assert value in found(text, type_name)


@pytest.mark.parametrize(
    "text",
    [
        "password = self.password\napi_key = os.environ['API_KEY']\ntoken = request.headers.get('X')",
        "DB_PASSWORD=${DB_PASSWORD}\nSECRET_KEY=<your-secret-key>\nAPI_TOKEN=changeme",
        "primary_key = 'id'\nsort_key = 'created_at_2024'\ntoken_type = 'bearer'",
        "SSH_KEY_PATH=/home/deploy/.ssh/id_ed25519",
        "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        secret: db-credentials\n        key: password",
        'SSH_KEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk2 me@host"',
        "session_key = request_session_id\ncache_key = 'user_profile_v2'\nAPI_KEY=your_api_key_here",
        '"forgot_password": "Forgot your password?", "password": "Password"',
        "Culture=neutral, PublicKeyToken=30ad4fe6b2a6aeed",
        "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)",
    ],
)
def test_code_references_placeholders_and_harmless_names_are_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("value", "type_name"),
    [
        ("django-insecure-85=)#f$z511b+cb*$yaax&8l#5g!&+lhp(gs_3eg=4w6=(tqe$", "Key"),
        ("$2b$12$LGiJf9Sxf2S.AWpP15fEncGN.4thyWISilCcAcJL9Yt87Mf/7papU", "Password"),
        ("$argon2id$v=19$m=65536,t=3,p=4$6+eAtwlA+hNG507DyfoF42$ZEotXMkq4ukF7VIiwtLxFAPZBzUj1Nb+7+1NnoLz", "Password"),
        ("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", "Token"),
        ("AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA", "Key"),
        ("LTAI5tQ8nXk2ZrV7mPw4Lc9J", "Key"),
        ("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", "Key"),
    ],
)
def test_password_hashes_framework_keys_and_more_vendor_keys(value: str, type_name: str) -> None:
    assert found(f"value: '{value}'\n", type_name) == [value]
    assert value in found(f"这个是{value}，别外传", type_name)


@pytest.mark.parametrize(
    "text",
    [
        '    "Password": Level.PL4,\n    "Account ID/Username": Level.PL2,',
        '    "XGrabKey": ([c_void_p, c_int, c_uint], c_int),',
        'vault = open_vault(path, passphrase=lambda _purpose: "self-test", use_environment=False)',
        "    passphrase: PassphraseSource | None = None,",
        'passwd = _command(commands, "passwd", "change the passphrase, or rotate the key", _passwd)',
        "the clipboard marked secret: clipboard-history managers skip it",
        "key words (`密码`, `口令`, `密码改成` …) and flags (`mysql -p…`, `docker login -p`)",
        "(``User Name:`` / ``Dialogue Text:``)",
    ],
)
def test_source_code_and_documentation_about_secrets_hold_none(text: str) -> None:
    assert found(text) == []


def test_a_word_after_a_vendor_prefix_is_no_key() -> None:
    assert found("see hf_models_directory_for_the_list and hf_transfer") == []


# ---------------------------------------------------------------------------------------------------------------------
# URLs


@pytest.mark.parametrize(
    ("url", "password"),
    [
        ("https://ops:Panda#88!x@mq.prod.example.cloud/artifacts", "Panda#88!x"),
        ("http://svc:p@ss380Cobalt@ftp.files.example.net:3128", "p@ss380Cobalt"),
        ("ftp://ops:winter/6914!@registry.example.dev/backups/", "winter/6914!"),
        ("https://deploy:Q3#7Ah43k@47@git.example.com/x.git", "Q3#7Ah43k@47"),
    ],
)
def test_url_passwords_with_hash_at_bang_and_slash_are_masked_whole(url: str, password: str) -> None:
    passwords = found(f"proxy is {url} — set it", "Password")
    assert len(passwords) == 1 and passwords[0].endswith(password)
    assert found(f"proxy is {url} — set it", "Email") == []


def test_database_urls_with_such_passwords_are_masked_whole() -> None:
    url = "postgres://admin:Q3#7Ah43k@47@db.internal.example.io:5432/orders"
    assert found(f'sql.Open("postgres", "{url}")', "Database Connection String") == [url]
    assert found("DATABASE_URL=postgres://user:password@localhost:5432/mydb") == []


@pytest.mark.parametrize(
    ("url", "secret"),
    [
        (
            "https://hooks.slack.com/services/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",
            "TV6M2T2EC/BLF3ZX84DIT/CQLiiJYpfTg10r9NGPSShu5M",
        ),
        (
            "https://discord.com/api/webhooks/692654406848359679/z7Yq805OMoEri-0ot-iaFok0gtyOosXrGeZ0MCLyk-ScSq0fKAi",
            "692654406848359679/z7Yq805OMoEri-0ot-iaFok0gtyOosXrGeZ0MCLyk-ScSq0fKAi",
        ),
        (
            "https://open.feishu.cn/open-apis/bot/v2/hook/b0d92c03-0bad-5089-a450-15b8f13c3aea",
            "b0d92c03-0bad-5089-a450-15b8f13c3aea",
        ),
        (
            "https://contoso.webhook.office.com/webhookb2/2e1eff2f-6ce8@60b799ae/IncomingWebhook/f82bd8540dd3556d78c4",
            "2e1eff2f-6ce8@60b799ae/IncomingWebhook/f82bd8540dd3556d78c4",
        ),
    ],
)
def test_webhook_secrets_in_url_paths(url: str, secret: str) -> None:
    assert found(f"hook: {url} ，帮我看看", "Token") == [secret]


def test_documentation_webhooks_are_not_secrets() -> None:
    assert found("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX") == []


def test_sentry_dsn_gives_a_key_not_an_email() -> None:
    text = 'sentry_sdk.init(dsn="https://9755a346a556c33a0094d86aec2419fe@o8358.ingest.sentry.io/10704")'
    assert found(text) == ["9755a346a556c33a0094d86aec2419fe"]
    assert found(text, "Key") == ["9755a346a556c33a0094d86aec2419fe"]


def test_url_encoded_emails_in_query_strings() -> None:
    assert found("GET /reset?email=alex%2Bbilling%40example.com&x=1", "Email") == ["alex%2Bbilling%40example.com"]


# ---------------------------------------------------------------------------------------------------------------------
# One-time codes, backup codes, PINs


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Your verification code is 592-011. It expires in 10 minutes.", "592-011"),
        ("My verification code is 883 201 — the site says it's invalid", "883 201"),
        ("Security code: ZRM-8821. If this wasn't you, reset your password.", "ZRM-8821"),
        ("【招商银行】您的验证码为E38CZZ，5分钟内有效，请勿泄露。", "E38CZZ"),
        ("The bank called about the SMS OTP authentication (which generated code 754539) yesterday.", "754539"),
        ("刚收到验证码 '644-711' 的临时授权短信", "644-711"),
        ("双重认证短信验证码 617 517 已发送到您的手机", "617 517"),
        ("My authenticator code right now is 384 920, does that match?", "384 920"),
        ("【菜鸟驿站】您的取件码 6-2-3041 请凭取件码 5834 取件", "5834"),
    ],
)
def test_one_time_codes_as_people_write_them(text: str, code: str) -> None:
    assert found(text, "Verification Code") == [code]


@pytest.mark.parametrize(
    "text",
    [
        "ERROR Invalid verification code for user id 33837 (attempt 2 of 5)",
        "Use promo code SUMMER2024 at checkout; https://shop.example/?promo_code=SPRING25",
        "The OTP is 6 digits and expires after 30 seconds.",
    ],
)
def test_numbers_near_code_words_that_are_no_codes(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        (
            "GitHub recovery codes — keep them somewhere safe\n2899-3537\ne0bc-1ae6\n07025511\n",
            ["2899-3537", "e0bc-1ae6", "07025511"],
        ),
        ("Here are the backup codes, each works once:\n2563-2470  8f3a-29dc", ["2563-2470", "8f3a-29dc"]),
        ("备用验证码（每个只能用一次）：\n2563-2470\n4410-9932", ["2563-2470", "4410-9932"]),
    ],
)
def test_backup_code_lists_after_a_heading(text: str, codes: list[str]) -> None:
    assert found(text, "Recovery Code") == codes


@pytest.mark.parametrize(
    ("text", "pins"),
    [
        ("alarm code 3342, the key box by the garage uses 602060.", ["3342", "602060"]),
        ("The safe combination is 1053, the keypad code for the office is 9419.", ["1053", "9419"]),
        ("小区门禁密码4821#，开锁密码6605", ["4821", "6605"]),
    ],
)
def test_pins_and_door_codes_next_to_their_key_word(text: str, pins: list[str]) -> None:
    assert found(text, "PIN") == pins


def test_pin_words_without_a_code_stay_quiet() -> None:
    assert found("PIN entry is required at the ATM; GPIO pin 13 drives the LED; code on the sticky note.") == []


# ---------------------------------------------------------------------------------------------------------------------
# Credentials without a password key word


@pytest.mark.parametrize(
    ("text", "password"),
    [
        ("login: li.wei@example.org / sBmgj6NGxCXE", "sBmgj6NGxCXE"),
        ('Wi-Fi "TP-LINK_8F2A" / cobalt_Sunset70', "cobalt_Sunset70"),
        ("Staging admin → dana@example.com / gZO0$Yt&rio2ak (please change)", "gZO0$Yt&rio2ak"),
        ("测试账号 18617557381 密码maple-Panda17，登录后别改资料", "maple-Panda17"),
        ("服务器的 root 密码改成 dragon.river23 了，别外传", "dragon.river23"),
        ("ssh admin@192.168.235.150 (pw: FrSDQDMr23utKhJ#)", "FrSDQDMr23utKhJ#"),
    ],
)
def test_credentials_without_a_password_key_word(text: str, password: str) -> None:
    assert password in found(text, "Password")


def test_slashes_after_a_login_word_that_are_no_passwords() -> None:
    assert found("Login / Sign up pages, user / group settings, account: dana / example") == []


# ---------------------------------------------------------------------------------------------------------------------
# IDs and dates next to their key word


@pytest.mark.parametrize(
    ("text", "value", "type_name"),
    [
        ("DOB: 14/08/1996", "14/08/1996", "Specific Date of Birth"),
        ("Date of birth: Aug 14, 1996", "Aug 14, 1996", "Specific Date of Birth"),
        ("born 2 November 1955 in Leeds", "2 November 1955", "Specific Date of Birth"),
        ("出生日期：1996年8月14日", "1996年8月14日", "Specific Date of Birth"),
        ("客户资料：张伟，1990-01-02出生", "1990-01-02", "Specific Date of Birth"),
        ("Passport: E75367275", "E75367275", "Passport Number"),
        ("护照号码G04310486，", "G04310486", "Passport Number"),
        ("National Insurance number: MT 60 92 74 B", "MT 60 92 74 B", "ID Number"),
        ("tax_id: 178651138, born later", "178651138", "ID Number"),
        ("Account number: 7027280885611313", "7027280885611313", "Financial Account"),
        ("Sort code 20-00-00, account 31926819.", "31926819", "Financial Account"),
        ("Real ID Number: NM-473982715", "NM-473982715", "ID Number"),
        ("Driver's License Number: DL-GH-5264187", "DL-GH-5264187", "Driver's License Number"),
        ("身份证号：110105491231002，", "110105491231002", "ID Number"),
        ("收款账号9757 7959 3499 3963 418，户名刘洋", "9757 7959 3499 3963 418", "Financial Account"),
    ],
)
def test_ids_and_dates_next_to_their_key_word(text: str, value: str, type_name: str) -> None:
    assert found(text, type_name) == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Deadline 14/08/2026, invoice dated 2025-03-01, meeting on Aug 14, 2026.",
        "I was born in 1990 and my birthday party is on Saturday.",
        "Passport photos must be 35 x 45 mm; NI numbers look like QQ 12 34 56 C.",
        "Account numbers must be 8 to 12 digits; Order 1234567890 shipped.",
        "NI number: BG 12 34 56 A",
        "Order ID number 48213, user id 33837, national ID: pending",
        "身份证号110105194912310 02X",
        "测试账号 13968736067 登录后别改资料",
        "Backup codes for my Google account: 35371780",
    ],
)
def test_dates_and_numbers_without_their_key_word_stay_quiet(text: str) -> None:
    assert (
        found(text, "Specific Date of Birth")
        + found(text, "Passport Number")
        + found(text, "Financial Account")
        + found(text, "ID Number")
        == []
    )


# ---------------------------------------------------------------------------------------------------------------------
# Other forms and false alarms


def test_mac_addresses_in_three_groups_of_four() -> None:
    assert found("DHCPACK on 172.29.11.77 to 48ac-9de9-d3c6 (android)", "Device ID") == ["48ac-9de9-d3c6"]
    assert found("licence key A1B2-C3D4-E5F6 for the app") == []


def test_landline_followed_by_chinese_punctuation() -> None:
    assert found("我们公司的座机是021-6888 1234，传真同号。", "Phone Number") == ["021-6888 1234"]
    assert found("售后电话0755-8601 2345。", "Phone Number") == ["0755-8601 2345"]
    assert found("0755-8601 2345；", "Phone Number") == ["0755-8601 2345"]
    assert found("固话 02168881234，", "Phone Number") == ["02168881234"]


@pytest.mark.parametrize(
    "text",
    [
        "server:\n  host: 127.0.0.1\n  bind: 0.0.0.0\nhost all all ::1/128 trust\nhost all all 127.0.0.0/8 trust",
        '[assembly: AssemblyFileVersion("2.4.10.255")]\nsetup(version="1.2.3.4")\nbump version to 3.7.19.128',
        "Successfully installed numpy-4.1.30.222 pandas-2.2.3",
        "inet 10.0.0.5  netmask 255.255.255.0  broadcast 10.255.255.255",
        "Tracking number 1Z999AA10123456784 (UPS); our routing number is 021000021.",
    ],
)
def test_loopback_versions_broadcasts_and_parcel_numbers_are_no_findings(text: str) -> None:
    assert [value for value in found(text) if value != "10.0.0.5"] == []
