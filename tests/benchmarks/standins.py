"""Stand-ins for what the benchmarks cannot ship: the model (random weights, real shape) and the ~3k-token prompt.

**Models.** MemPrivacy's weights may not be redistributed, and none are on this machine. The benchmarks write
random-weight GGUFs of the exact Qwen3 0.6B, 1.7B and 4B shapes with the real Qwen tokenizer and chat template
(`tests.helpers.models`) and quantize them to Q4_K_M, as a user's converted model would be: the same tensor shapes,
types and file size, so the same speed and memory. The tiny shape (2 layers, 64 wide) stays F16 (too narrow for
K-quants) and serves quick runs. Files are cached in the test assets folder; the F16 intermediates of the large
shapes are deleted after quantizing (8 GB for the 4B).

**Prompt.** The official prompt (~3k tokens) cannot be shipped or fetched here. `LongPromptProfile` keeps the
project's own instructions and adds a type guide and worked examples written for this benchmark, until the fixed
prefix is at least `TARGET_PREFIX_TOKENS` long with the Qwen tokenizer: what matters for speed is its length.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from app.core.detectors.model.prompts import CLOAKROOM_INSTRUCTIONS, CloakroomProfile
from app.core.taxonomy import TYPE_LEVELS
from tests.helpers.models import (
    QWEN3_0_6B,
    QWEN3_1_7B,
    QWEN3_4B,
    TINY_QWEN3,
    Qwen3Shape,
    assets_dir,
    quantize,
    random_qwen3_path,
)

SHAPES: dict[str, Qwen3Shape] = {"tiny": TINY_QWEN3, "0.6b": QWEN3_0_6B, "1.7b": QWEN3_1_7B, "4b": QWEN3_4B}
TARGET_PREFIX_TOKENS = 3000


def standin_model(shape_name: str, log: Callable[[str], None] = print) -> Path:
    """The stand-in GGUF for a shape: tiny as F16, the others quantized to Q4_K_M (made once, then cached)."""
    shape = SHAPES[shape_name]
    if shape_name == "tiny":
        return random_qwen3_path(shape)
    target = assets_dir() / f"qwen3-random-{shape.label}-seed0-Q4_K_M.gguf"
    if target.is_file():
        return target
    log(f"writing the random-weight {shape_name} stand-in (F16, once; several minutes for the 4B)…")
    source = random_qwen3_path(shape)
    log("quantizing it to Q4_K_M (once; minutes)…")
    quantize(source, target)
    source.unlink(missing_ok=True)
    return target


# -- the ~3k-token prompt -------------------------------------------------------------------------------------------------

_TYPE_NOTES: dict[str, str] = {
    "Password": "a secret word or phrase that opens an account, device or file, including old and temporary ones",
    "Verification Code": "a one-time code sent by text message, e-mail or an authenticator app",
    "Token": "a bearer, session or access token that lets a program act for a person",
    "Key": "an API key, licence key or secret key string",
    "Private Key": "a PEM block or a seed phrase that controls a certificate or a wallet",
    "Payment Security Code": "the three or four digits on the back of a card (CVV, CVC)",
    "Database Connection String": "a URL or key-value string with host, user and password of a database",
    "Vulnerability Details": "an unpatched weakness of a named system, with how to exploit it",
    "Business Secret": "unreleased figures, plans, prices or designs marked or described as confidential",
    "Session Token": "a cookie or header value that keeps a login open",
    "PIN": "a short numeric code for a card, phone or door",
    "Backup Code": "one of the spare codes printed when two-step login is set up",
    "Recovery Code": "a code or phrase that restores access to an account",
    "Security Question (Answer)": "the answer to a question such as a mother's maiden name or a first pet",
    "Internal IP": "an address inside a private network (10.x, 172.16–31.x, 192.168.x) tied to a named system",
    "Intranet Entry Point": "a host name or URL that only works inside an organisation",
    "Project/Task ID": "an internal ticket or task number that reveals unreleased work",
    "Project Code": "a code name of an unannounced project",
    "Classified Information": "material under a secrecy rule, a clearance level or a non-disclosure agreement",
    "ID Number": "a national identity, social security or tax number",
    "Financial Account": "an account number, IBAN or routing details of a bank or broker",
    "Transaction Record": "a payment, transfer or purchase with amount, date and counterparty",
    "Assets/Income": "salary, savings, property or debts of a named person",
    "Medical Health": "an illness, treatment, medication, test result or disability",
    "Precise Location": "coordinates, a room number or a place pinned down to a building",
    "Itinerary/Trajectory": "where a person will be and when: flights, trains, hotel stays, daily routes",
    "Biometrics": "fingerprints, face or voice data, DNA, height and weight tied to a person",
    "Communication Content": "the private content of someone's messages, calls or letters",
    "Sensitive Identity": "sexual orientation, ethnicity, union membership, immigration status",
    "Judicial Record": "arrests, convictions, lawsuits, fines or court dates",
    "Passport Number": "the number printed in a passport",
    "Driver's License Number": "the number of a driving licence",
    "Bank/Payment Card Number": "the long number of a debit, credit or prepaid card",
    "License Plate": "a vehicle registration plate",
    "Credit Score": "a credit rating or score of a person",
    "Debt/Loan Info": "loans, mortgages, arrears or collection cases of a person",
    "Medical Record": "a hospital or insurance record number, or a copied medical report",
    "Religious Beliefs": "a person's faith, or that they have none",
    "Political Views/Stance": "party membership, votes or strong political positions of a person",
    "Minor Information": "anything that identifies a child: name, school, class, age with place",
    "Accommodation Records": "hotel bookings, tenancy agreements or who stays where",
    "Real Name": "the person's own full name (given before the text when known)",
    "Phone Number": "a mobile or landline number, with or without country code",
    "Email": "an e-mail address",
    "Detailed Address": "a street address down to the house number or flat",
    "Account ID/Username": "a login name, handle, customer number or member id",
    "Network Identifier": "a MAC address, IMEI, device serial or wallet address",
    "Identity Background": "a person's nationality, hometown or family background",
    "Relationship Info": "who is married to, related to or dating whom",
    "Third-Party Identifiable Info": "the name or identifying details of anyone other than the person",
    "IP Address": "a public IP address",
    "Job Title/Rank": "a job title or military rank that narrows down who someone is",
    "Employer/Company Name": "where a person works",
    "School": "a school or university a person attends or attended",
    "Specific Age": "an exact age",
    "Specific Date of Birth": "a full birth date",
    "Device ID": "an advertising id, device id or hardware serial",
    "Gender": "a person's gender",
    "Zip Code": "a postal code",
    "Work Address": "the address of a person's workplace",
}

_EXAMPLE_SENTENCES: tuple[tuple[str, list[tuple[str, str]]], ...] = (
    ("My colleague Hannah Brandt booked flight LH 2034 to Munich on 12 May.", [
        ("Hannah Brandt", "Third-Party Identifiable Info"), ("flight LH 2034 to Munich on 12 May", "Itinerary/Trajectory"),
    ]),
    ("请把合同寄到杭州市西湖区文三路90号，收件人周婷婷，电话13705712233。", [
        ("杭州市西湖区文三路90号", "Detailed Address"), ("周婷婷", "Third-Party Identifiable Info"),
        ("13705712233", "Phone Number"),
    ]),
    ("The staging server is at 10.20.4.17 and the admin password is Falcon!Ridge88.", [
        ("10.20.4.17", "Internal IP"), ("Falcon!Ridge88", "Password"),
    ]),
    ("I was diagnosed with asthma last year and take salbutamol twice a day.", [
        ("asthma", "Medical Health"), ("salbutamol twice a day", "Medical Health"),
    ]),
    ("我的工资卡是招商银行的，卡号6225880137654321，每月到账一万二。", [
        ("6225880137654321", "Bank/Payment Card Number"), ("每月到账一万二", "Assets/Income"),
    ]),
    ("Log in as jdoe_1987 with the recovery code 7H2K-9QX4-LM3P if the app asks again.", [
        ("jdoe_1987", "Account ID/Username"), ("7H2K-9QX4-LM3P", "Recovery Code"),
    ]),
    ("Our son Lucas is in year 3 at Maple Grove Primary and turns eight in June.", [
        ("Lucas", "Minor Information"), ("Maple Grove Primary", "School"),
    ]),
    ("他去年因为酒驾被判了拘役两个月，驾照号码是440301198806157719。", [
        ("因为酒驾被判了拘役两个月", "Judicial Record"), ("440301198806157719", "Driver's License Number"),
    ]),
)  # fmt: skip


def _type_guide() -> str:
    lines = ["Type guide. Each type with what it covers:"]
    for name, level in TYPE_LEVELS.items():
        note = _TYPE_NOTES.get(name, "")
        lines.append(f"- {name} ({level.label}): {note}.")
    return "\n".join(lines)


def _worked_example(number: int) -> str:
    sentence, items = _EXAMPLE_SENTENCES[number % len(_EXAMPLE_SENTENCES)]
    answer = [
        {"original_text": value, "privacy_type": kind, "privacy_level": TYPE_LEVELS[kind].label}
        for value, kind in items
    ]
    return f"Worked example {number + 1}. Text: {sentence}\nAnswer: {json.dumps(answer, ensure_ascii=False)}"


def long_instructions(count_tokens: Callable[[str], int], target: int = TARGET_PREFIX_TOKENS) -> str:
    """The project's instructions, a type guide and as many worked examples as it takes to reach ``target`` tokens."""
    head, tail = CLOAKROOM_INSTRUCTIONS.rsplit("Now the real input.", 1)
    parts = [head.rstrip(), _type_guide()]
    number = 0
    while count_tokens("\n\n".join([*parts, "Now the real input." + tail])) < target:
        parts.append(_worked_example(number))
        number += 1
    return "\n\n".join([*parts, "Now the real input." + tail])


class LongPromptProfile(CloakroomProfile):
    """The cloakroom profile with a ~3k-token fixed part: a stand-in for the official prompt's length."""

    name = "long-standin"

    def __init__(self, count_tokens: Callable[[str], int], target: int = TARGET_PREFIX_TOKENS) -> None:
        self._fixed = long_instructions(count_tokens, target)

    @property
    def fixed(self) -> str:
        return self._fixed
