"""The benchmarks' fixed inputs and their gold answers (all written for this project; every person is invented).

- ``chat``: a short chat message with four private items (the decode benchmark's answer).
- ``email``: an e-mail of about 2 KB (UTF-8) with five private items.
- ``document``: a document of about 20 KB built from fixed paragraphs, with an item in every paragraph, so that
  several items land on chunk boundaries.

English and Chinese each. Gold answers list items in the order they first appear, in the model's answer format; a
random-weight stand-in model is steered to write exactly that answer (see README).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

Item = tuple[str, str, str]  # original_text, privacy_type, privacy_level


@dataclass(frozen=True)
class BenchInput:
    name: str
    language: str
    text: str
    items: tuple[Item, ...]

    def answer_for(self, text: str, *, pretty: bool = False) -> str:
        """The gold answer for ``text`` (the whole input or one chunk of it): the items that occur in it, in order.

        ``pretty``: as a model that breaks lines writes it (newline after ``[``, two-space indents, newline before
        ``]``), which the answer grammar must allow as much as the compact form.
        """
        present = [item for item in self.items if item[0] in text]
        present.sort(key=lambda item: text.find(item[0]))
        return json.dumps(
            [{"original_text": value, "privacy_type": kind, "privacy_level": level} for value, kind, level in present],
            ensure_ascii=False,
            indent=2 if pretty else None,
        )

    @property
    def answer(self) -> str:
        return self.answer_for(self.text)


CHAT_EN = BenchInput(
    "chat",
    "en",
    "Hi, I'm Alice Wong. My email is alice.wong@example.com, my password is hunter22 and I have type 1 diabetes.",
    (
        ("Alice Wong", "Real Name", "PL2"),
        ("alice.wong@example.com", "Email", "PL2"),
        ("hunter22", "Password", "PL4"),
        ("type 1 diabetes", "Medical Health", "PL3"),
    ),
)

CHAT_ZH = BenchInput(
    "chat",
    "zh",
    "你好，我是王小明，手机号13812345678，验证码是482913，我最近在协和医院治疗高血压。",
    (
        ("王小明", "Real Name", "PL2"),
        ("13812345678", "Phone Number", "PL2"),
        ("482913", "Verification Code", "PL4"),
        ("高血压", "Medical Health", "PL3"),
    ),
)

EMAIL_EN = BenchInput(
    "email",
    "en",
    """Subject: Re: onboarding paperwork and the March invoice

Hi Priya,

Thanks for sending the contract over so quickly. Before I sign it, a few details in the paperwork need fixing, and I
would rather sort them out now than chase corrections after the first payroll run.

First, my name is spelled wrong on page two. It should read Daniel Okonkwo-Reyes, with the hyphen, exactly as it
appears on my passport. The short form on the cover letter is fine, but the contract itself should use the full name.

Second, please send anything official to my home address rather than the office:
2417 West Belden Avenue, Apt 3F, Chicago, IL 60647. The office mail room loses about one letter in five, and I do
not want the signed copy to be one of them.

Third, salary payments should go to the account I opened last month. The IBAN is GB29 NWBK 6016 1331 9268 19 and
the account holder is the same as above. The old account is being closed at the end of the quarter, so please do not
use the number from my previous employer's reference letter.

For anything urgent, my mobile is +1 (312) 555-0147, and I check it more often than email during the week. I am
travelling on Thursday and Friday, so calls may go to voicemail, but I will ring back the same evening.

On the March invoice: the consulting hours look right to me, but the travel line includes a hotel night I paid for
myself. Could you ask accounts to remove it and reissue the invoice? I have attached the receipt so they can match it
against the booking reference.

Finally, the health questionnaire asks about ongoing treatment. I am still doing physiotherapy after my knee surgery
in January, twice a week on Tuesday and Thursday mornings, so I may start late on those days for the next month or
so. I hope that will not be a problem for the team schedule; I can make the hours up in the afternoons.

Let me know if you need anything else from me before Friday. I am happy to come in and sign in person if that makes
things easier for the legal team.

Best regards,
Daniel
""",
    (
        ("Daniel Okonkwo-Reyes", "Real Name", "PL2"),
        ("2417 West Belden Avenue, Apt 3F, Chicago, IL 60647", "Detailed Address", "PL2"),
        ("GB29 NWBK 6016 1331 9268 19", "Financial Account", "PL3"),
        ("+1 (312) 555-0147", "Phone Number", "PL2"),
        ("knee surgery", "Medical Health", "PL3"),
    ),
)

EMAIL_ZH = BenchInput(
    "email",
    "zh",
    """主题：回复：入职材料和三月份的发票

李老师您好：

感谢您这么快就把合同发过来。在签字之前，有几处信息需要更正，我想现在就处理好，免得等到第一次发工资的时候再来回修改。

第一，合同第二页上我的名字写错了，应该是陈思远，和我身份证上的一致。我的身份证号码是31010419880612453X，麻烦人事部门核对一下系统里的记录。

第二，正式文件请寄到我家里，不要寄到公司：上海市徐汇区漕溪北路398号12楼。公司收发室经常弄丢信件，我不希望签好的合同也丢了。

第三，工资请打到我上个月新开的银行卡上，卡号是6217001234567890123，开户行是建设银行徐汇支行。原来的账户季度末就要注销了，请不要再用之前单位证明上的那个账号。

如果有急事，请打我的手机13911328476，工作日我看手机比看邮件勤。周四和周五我出差，电话可能会转到语音信箱，但我当天晚上一定会回电。

关于三月份的发票：咨询工时没有问题，但差旅费里多算了一晚酒店，那一晚是我自己付的。能否请财务删掉这一项后重新开票？收据我附在邮件里了，方便他们核对预订号。

另外，入职体检表里问到目前是否在接受治疗。我一月份做完手术以后还在做康复训练，每周二和周四上午各一次，所以接下来一个多月这两天我可能会晚一点到。希望不会影响团队的排班，我可以在下午把时间补回来。

还有一件小事：公司邮箱开通以后，请把部门的周报和会议纪要也抄送给我，这样我可以提前了解项目的进展，第一周开会的时候不至于什么都不知道。如果有需要提前阅读的资料，也请一并发给我。

周五之前如果还需要我提供其他材料，请随时告诉我。如果法务那边觉得当面签字更方便，我也很乐意过去一趟。

祝好！
""",
    (
        ("陈思远", "Real Name", "PL2"),
        ("31010419880612453X", "ID Number", "PL3"),
        ("上海市徐汇区漕溪北路398号12楼", "Detailed Address", "PL2"),
        ("6217001234567890123", "Bank/Payment Card Number", "PL3"),
        ("13911328476", "Phone Number", "PL2"),
    ),
)

_EN_PARAGRAPHS = (
    (
        "The quarterly review covered the migration of the billing service, the new on-call rota and the budget for "
        "the second half of the year. Most teams reported that the migration went smoothly, although the reporting "
        "jobs needed two extra weeks of tuning before they matched the old numbers."
    ),
    (
        "Customer support noted a rise in tickets about password resets after the login page was redesigned. The design "
        "team agreed to restore the old link position and to add a short explanation under the form, which should bring "
        "the numbers back to normal within a month."
    ),
    (
        "Facilities confirmed that the office move is on schedule. Desks will be assigned by team, the quiet room stays "
        "on the fourth floor, and the bicycle storage will finally get proper lighting. Parking permits have to be "
        "renewed before the end of the month."
    ),
    (
        "Finance reminded everyone that expense reports for the conference must be filed within thirty days, with "
        "receipts for every item above twenty-five euros. Late reports will be paid in the following cycle instead of "
        "the current one."
    ),
)
_LEVELS = {
    "Real Name": "PL2", "Email": "PL2", "Phone Number": "PL2", "Detailed Address": "PL2", "Financial Account": "PL3",
    "Password": "PL4", "ID Number": "PL3", "Bank/Payment Card Number": "PL3",
}  # fmt: skip
_ZH_PARAGRAPHS = (
    "本季度的复盘会议讨论了计费系统的迁移、新的值班安排以及下半年的预算。大多数团队反映迁移过程比较顺利，只是报表任务又多花了两周时间调优，才和旧系统的数据对上。",
    "客服部门注意到，登录页面改版之后，关于重置密码的工单明显增加。设计团队同意把原来的链接放回原处，并在表单下面加一段简短的说明，预计一个月内工单数量会恢复正常。",
    "行政部门确认搬迁办公室的计划按期进行。座位按团队分配，安静室仍然在四楼，自行车停放区终于会装上像样的照明。停车证必须在月底之前续办。",
    "财务部门提醒大家，参加会议的报销单必须在三十天内提交，超过二十五元的每一项都要附上收据。逾期提交的报销将在下一个周期支付。",
)
_EN_ITEM_SENTENCES = (
    ("Questions about the rota go to {0}, who now coordinates it.", "Real Name"),
    ("The vendor's account manager can be reached at {0} for contract questions.", "Email"),
    ("The on-call phone for this quarter is {0} and it must be answered within fifteen minutes.", "Phone Number"),
    ("Refunds for the cancelled trip were sent to the account {0} last Tuesday.", "Financial Account"),
    ("The staging database still accepts the shared password {0}, which must be rotated.", "Password"),
    ("Parcels for the team should now be addressed to {0} until further notice.", "Detailed Address"),
)
_EN_FIRST = (
    "Marguerite",
    "Tobias",
    "Ifeoma",
    "Rosalind",
    "Casimir",
    "Yolanda",
    "Desmond",
    "Ingrid",
    "Octavia",
    "Lorcan",
)
_EN_LAST = ("Delacroix", "Wennergren", "Chukwuemeka", "Abernathy", "Falkenrath", "Okonjo", "Vasquez", "Lindqvist")
_EN_WORDS = ("Winter", "Harbor", "Lantern", "Quokka", "Sunrise", "Granite", "Meadow", "Falcon")
_EN_STREETS = ("Rue des Tanneurs", "Harrow Lane", "Kirkgatan", "Via Solferino", "Calle del Pez", "Elm Road")
_EN_GUEST_FIRST = ("Bartholomew", "Cordelia", "Evander", "Philippa", "Leopold", "Seraphina", "Augustin", "Theodora")
_EN_GUEST_LAST = ("Marchetti", "Oyelaran", "Sørensen", "Kowalczyk", "Achterberg", "Nakashima", "Grünewald", "Mbeki")
_EN_TOPICS = (
    "the parking permits",
    "the new rota",
    "the budget for the second half",
    "the quiet room",
    "the expense deadline",
    "the login page",
)
_ZH_ITEM_SENTENCES = (
    ("值班安排的问题请联系{0}，现在由他负责协调。", "Real Name"),
    ("本季度的值班电话是{0}，必须在十五分钟内接听。", "Phone Number"),
    ("取消行程的退款已于上周二退回到银行卡{0}。", "Bank/Payment Card Number"),
    ("测试数据库仍然接受共享密码{0}，必须尽快更换。", "Password"),
    ("团队的快递请暂时寄到{0}。", "Detailed Address"),
    ("新员工的身份证号{0}已经录入人事系统。", "ID Number"),
)
_ZH_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "东方", "慕容", "皇甫", "令狐")
_ZH_GIVEN = ("慧敏", "建国", "文静", "明辉", "晓峰", "雨桐", "子涵", "思成", "嘉怡", "浩然")
_ZH_GUEST_SURNAMES = ("尉迟", "长孙", "宇文", "公孙", "独孤", "南宫", "端木", "百里")
_ZH_GUEST_GIVEN = ("清扬", "若曦", "承志", "婉清", "天佑", "紫萱", "景行", "书瑶")
_ZH_TOPICS = ("停车证的事", "新的值班表", "下半年的预算", "安静室的位置", "报销的截止日期", "登录页面的改版")


def _en_value(kind: str, index: int) -> str:
    """A value of ``kind`` that no other index gives (and that is no part of another value)."""
    first, last = _EN_FIRST[index % len(_EN_FIRST)], _EN_LAST[(index // len(_EN_FIRST)) % len(_EN_LAST)]
    values = {
        "Real Name": f"{first} {last}",
        "Email": f"{first.lower()}.{last.lower()}.{index:03d}@example-mail.net",
        "Phone Number": f"+1 (646) 555-{1000 + index:04d}",
        "Financial Account": f"DE{10 + index:02d} 5001 0517 {5400 + index:04d} 3249 31",
        "Password": f"{_EN_WORDS[index % len(_EN_WORDS)]}#{1000 + 37 * index}",
        "Detailed Address": f"{100 + index} {_EN_STREETS[index % len(_EN_STREETS)]}, Unit {index + 1}",
    }
    return values[kind]


def _zh_value(kind: str, index: int) -> str:
    name = _ZH_SURNAMES[index % len(_ZH_SURNAMES)] + _ZH_GIVEN[(index // len(_ZH_SURNAMES)) % len(_ZH_GIVEN)]
    values = {
        "Real Name": name,
        "Phone Number": f"13{600000000 + 7919 * index:09d}",
        "Bank/Payment Card Number": f"62220210{index:011d}",
        "Password": f"Haitang#{2000 + index}",
        "Detailed Address": f"北京市海淀区中关村大街{index + 1}号{index % 9 + 1}层",
        "ID Number": f"11010519850315{index:03d}X",
    }
    return values[kind]


def _document(
    language: str,
    paragraphs: tuple[str, ...],
    sentences: tuple[tuple[str, str], ...],
    value: Callable[[str, int], str],
    guest: Callable[[int], str],
    run_on: Callable[[list[str], int], str],
    shift: int,
) -> BenchInput:
    """About 20 KB (UTF-8): fixed paragraphs, every other one ending with a private item, then one long run-on line.

    Paragraph breaks are where chunks are cut when they can be; the run-on line (a list of visitors, no sentence ends)
    makes the cuts fall inside sentences, so values can straddle a chunk boundary. ``shift`` adds filler at the start
    of the run-on line to move the cuts (see `make_document`). Every value occurs once: a value lost at a boundary
    cannot be found through another occurrence.
    """
    parts: list[str] = []
    items: list[Item] = []
    index = 0
    joiner = " " if language == "en" else ""
    while len("\n\n".join(parts).encode()) < 14_000:
        paragraph = paragraphs[index % len(paragraphs)]
        if index % 2 == 0:
            template, kind = sentences[(index // 2) % len(sentences)]
            item_value = value(kind, index)
            items.append((item_value, kind, _LEVELS[kind]))
            paragraph += joiner + template.format(item_value)
        parts.append(paragraph)
        index += 1
    names: list[str] = []
    while len(("\n\n".join(parts) + run_on(names, shift)).encode()) < 20_000:
        names.append(guest(len(names)))
        items.append((names[-1], "Third-Party Identifiable Info", "PL2"))
    parts.append(run_on(names, shift))
    return BenchInput("document", language, "\n\n".join(parts), tuple(items))


def _en_guest(index: int) -> str:
    first = _EN_GUEST_FIRST[index % len(_EN_GUEST_FIRST)]
    return f"{first} {_EN_GUEST_LAST[(index // len(_EN_GUEST_FIRST)) % len(_EN_GUEST_LAST)]}"


def _zh_guest(index: int) -> str:
    surname = _ZH_GUEST_SURNAMES[index % len(_ZH_GUEST_SURNAMES)]
    return surname + _ZH_GUEST_GIVEN[(index // len(_ZH_GUEST_SURNAMES)) % len(_ZH_GUEST_GIVEN)]


def _en_run_on(names: list[str], shift: int) -> str:
    visits = [
        f"{name} who asked at some length about {_EN_TOPICS[index % len(_EN_TOPICS)]}, looked at the floor plans for "
        "a while and then stayed on for coffee and a long chat with the facilities team about the move"
        for index, name in enumerate(names)
    ]
    return "At the open house " + "as usual " * shift + "we met " + ", then ".join(visits) + " and nobody else"


def _zh_run_on(names: list[str], shift: int) -> str:
    visits = [
        f"{name}详细询问了{_ZH_TOPICS[index % len(_ZH_TOPICS)]}又仔细看了很久新办公室的平面图然后留下来喝了杯咖啡"
        "和行政部门的同事聊了半天搬家的安排"
        for index, name in enumerate(names)
    ]
    return "开放日那天" + "照例" * shift + "我们先后见到了" + "，接着".join(visits) + "，之后就没有别人了"


def make_document(language: str, shift: int = 0) -> BenchInput:
    """The ~20 KB document; the long-text benchmark raises ``shift`` until some values straddle chunk boundaries.

    Where cuts fall depends only on the tokenizer and the chunk budget (the same for every stand-in shape), so the
    shift it settles on is the same on every run.
    """
    if language == "en":
        return _document("en", _EN_PARAGRAPHS, _EN_ITEM_SENTENCES, _en_value, _en_guest, _en_run_on, shift)
    return _document("zh", _ZH_PARAGRAPHS, _ZH_ITEM_SENTENCES, _zh_value, _zh_guest, _zh_run_on, shift)


DOCUMENT_EN = make_document("en")
DOCUMENT_ZH = make_document("zh")


def make_contact_list(language: str, rows: int = 30) -> BenchInput:
    """A pasted contact list (CSV): every row a name, an e-mail or ID number, a phone number and an address — the
    densest text there is, about three answer tokens for each token of input."""
    value = _en_value if language == "en" else _zh_value
    second = "Email" if language == "en" else "ID Number"
    header = "name,email,phone,address" if language == "en" else "姓名,身份证号,电话,地址"
    lines, items = [header], []
    for index in range(rows):
        row = [(value(kind, index), kind) for kind in ("Real Name", second, "Phone Number", "Detailed Address")]
        lines.append(",".join(f'"{text}"' if "," in text else text for text, _kind in row))
        items.extend((text, kind, _LEVELS.get(kind, "PL2")) for text, kind in row)
    return BenchInput("contacts", language, "\n".join(lines), tuple(items))


def make_log(language: str, lines: int = 200) -> BenchInput:
    """A delivery service's log: 200 lines, each with a street address (long answers for long input)."""
    value = _en_value if language == "en" else _zh_value
    rows, items = [], []
    for index in range(lines):
        address = value("Detailed Address", index)
        stamp = f"2026-11-{index % 28 + 1:02d} {8 + index % 10:02d}:{index % 60:02d}:{(7 * index) % 60:02d}"
        if language == "en":
            rows.append(f"{stamp} INFO dispatch order #{48000 + index} delivered to {address} (route {index % 17})")
        else:
            rows.append(f"{stamp} INFO 派送 订单 #{48000 + index} 已送达 {address}（线路 {index % 17}）")
        items.append((address, "Detailed Address", "PL2"))
    return BenchInput("log", language, "\n".join(rows), tuple(items))


DENSE_INPUTS: dict[tuple[str, str], BenchInput] = {
    (bench_input.name, bench_input.language): bench_input
    for bench_input in (make_contact_list("en"), make_contact_list("zh"), make_log("en"), make_log("zh"))
}

INPUTS: dict[tuple[str, str], BenchInput] = {
    (bench_input.name, bench_input.language): bench_input
    for bench_input in (CHAT_EN, CHAT_ZH, EMAIL_EN, EMAIL_ZH, DOCUMENT_EN, DOCUMENT_ZH)
}


def check_inputs() -> None:
    """Every gold value occurs in its text (a gold answer must be copyable), sizes are as advertised."""
    for bench_input in INPUTS.values():
        for value, _kind, _level in bench_input.items:
            if value not in bench_input.text:
                raise AssertionError(f"{bench_input.name}/{bench_input.language}: a gold value is not in the text")
    for language in ("en", "zh"):
        size = len(INPUTS["email", language].text.encode())
        if not 1_500 <= size <= 2_600:
            raise AssertionError(f"email/{language} is {size} bytes, not about 2 KB")
        document = INPUTS["document", language]
        if len(document.text.encode()) < 20_000:
            raise AssertionError(f"document/{language} is shorter than 20 KB")
        if any(document.text.count(value) != 1 for value, _kind, _level in document.items):
            raise AssertionError(f"document/{language}: a value occurs more than once")
