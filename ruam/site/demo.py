"""The demo: invented people in real bodies, so a newcomer's first page is alive.

Everything here is marked as demo (``is_demo``, "(ตัวอย่าง)" after each name) and is safe to load
again: it changes nothing the second time. Later capabilities add their own demo records here.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ruam.bodies.models import Body, Role
from ruam.bodies.services import appoint, committee_code, division_code, group_code, office_code
from ruam.framework.models import Area
from ruam.geo.models import District

DEMO_DISTRICTS = ["1046", "1044", "1006", "1007", "1030"]
DEMO_MARK = "(ตัวอย่าง)"

FIRST_NAMES = [
    "สมชาย",
    "สมหญิง",
    "วิไลวรรณ",
    "ประเสริฐ",
    "กมลชนก",
    "ธนากร",
    "อรุณี",
    "สุรเชษฐ์",
    "พิมพ์ชนก",
    "วีระพงษ์",
    "จันทร์เพ็ญ",
    "ณัฐวุฒิ",
    "รัตนา",
    "เกียรติศักดิ์",
    "ศิริพร",
    "อนุชา",
    "มาลัย",
    "ชัยวัฒน์",
    "ปิยะนุช",
    "บุญเลิศ",
]
LAST_NAMES = [
    "ใจดี",
    "รักถิ่น",
    "มีสุข",
    "ทองคำ",
    "ศรีสวัสดิ์",
    "บุญมา",
    "แก้วประเสริฐ",
    "เจริญผล",
    "สายสุวรรณ",
    "พงษ์ไพบูลย์",
    "นาคสวัสดิ์",
    "วงศ์ใหญ่",
    "ชื่นบาน",
    "อินทร์แก้ว",
    "ประสานมิตร",
    "รุ่งเรือง",
    "ทรัพย์สมบูรณ์",
]
FEMALE = {"สมหญิง", "วิไลวรรณ", "กมลชนก", "อรุณี", "พิมพ์ชนก", "จันทร์เพ็ญ", "รัตนา", "ศิริพร", "มาลัย", "ปิยะนุช"}

COMMITTEE_SEATS = [
    ("chair", Role.CHAIR),
    ("vice", Role.VICE_CHAIR),
    *[(f"member{i}", Role.MEMBER) for i in range(1, 7)],
    ("secretary", Role.SECRETARY),
    ("asst-secretary", Role.ASSISTANT_SECRETARY),
]
OFFICE_SEATS = [
    ("director", None, Role.DIRECTOR),
    ("asst-director", None, Role.ASSISTANT_DIRECTOR),
    ("head-works", "works", Role.HEAD),
    ("works", "works", Role.OFFICIAL),
    ("head-cleansing", "cleansing", Role.HEAD),
    ("head-city-law", "city-law", Role.HEAD),
]


@dataclass
class DemoResult:
    password_file: Path | None
    usernames: list[str] = field(default_factory=list)


def term_start(today: dt.date) -> dt.date:
    """Committee terms in the demo start on 1 October, the start of BMA's fiscal year."""
    year = today.year if today.month >= 10 else today.year - 1
    return dt.date(year, 10, 1)


def demo_password(password: str | None) -> tuple[str, Path | None]:
    """The given password, else one generated once per installation and kept in var/."""
    if password:
        return password, None
    path = Path(settings.VAR_DIR) / "demo-password.txt"
    if path.exists():
        return path.read_text().strip(), path
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(9)
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value, path


class _People:
    def __init__(self, password: str) -> None:
        self.password = password
        self.n = 0
        self.usernames: list[str] = []

    def get(self, username: str, *, staff: bool = False, superuser: bool = False):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            first = FIRST_NAMES[self.n % len(FIRST_NAMES)]
            last = LAST_NAMES[(self.n * 7 + 3) % len(LAST_NAMES)]
            title = "นางสาว" if first in FEMALE else "นาย"
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                display_name=f"{title}{first} {last} {DEMO_MARK}",
                email=f"{username}@demo.invalid",
                is_demo=True,
                is_staff=staff or superuser,
                is_superuser=superuser,
            )
            user.set_password(self.password)
            user.save()
        self.n += 1
        self.usernames.append(username)
        return user


@transaction.atomic
def load_demo(password: str | None = None) -> DemoResult:
    value, path = demo_password(password)
    people = _People(value)
    people.get("admin", superuser=True)
    start = term_start(timezone.localdate())
    end = dt.date(start.year + 2, 9, 30)

    appoint(
        person=people.get("demo-city"),
        body=Body.objects.get(code="city"),
        role=Role.OFFICIAL,
        start=start,
        title_th="เจ้าหน้าที่สำนักยุทธศาสตร์และประเมินผล",
    )
    areas = list(Area.objects.filter(number__lte=5))
    chairs = {}
    for code in DEMO_DISTRICTS:
        district = District.objects.get(code=code)
        committee = Body.objects.get(code=committee_code(code))
        seated = {}
        for slug, role in COMMITTEE_SEATS:
            person = people.get(f"demo-{code}-{slug}")
            appoint(person=person, body=committee, role=role, start=start, end=end)
            seated[slug] = person
        chairs[code] = seated["chair"]
        # Working groups by area, each led by a committee member.
        for i, area in enumerate(areas):
            group, _ = Body.objects.get_or_create(
                code=f"wg-{code}-area{area.number}",
                defaults={
                    "kind": Body.Kind.WORKING_GROUP,
                    "name_th": f"คณะทำงานฯ ด้าน{area.name_th}",
                    "name_en": f"Working group: {area.name_en}",
                    "parent": committee,
                    "district": district,
                    "group": district.group,
                    "area": area,
                    "is_demo": True,
                },
            )
            lead = seated[f"member{i + 1}"]
            appoint(person=lead, body=group, role=Role.CHAIR, start=start, end=end)
            appoint(person=seated["member6"], body=group, role=Role.MEMBER, start=start, end=end)
        for slug, division, role in OFFICE_SEATS:
            body_code = division_code(code, division) if division else office_code(code)
            appoint(
                person=people.get(f"demo-{code}-{slug}", staff=False),
                body=Body.objects.get(code=body_code),
                role=role,
                start=start,
            )

    # The eastern group's committee: the chairs of its demo districts, as in the seed's meeting.
    eastern = Body.objects.get(code=group_code("4"))
    appoint(
        person=people.get("demo-group4-chair"),
        body=eastern,
        role=Role.CHAIR,
        start=start,
        title_th="ประธานที่ปรึกษาผู้ว่าราชการกรุงเทพมหานคร",
    )
    for code, chair in chairs.items():
        if District.objects.filter(code=code, group_id="4").exists():
            appoint(person=chair, body=eastern, role=Role.MEMBER, start=start, end=end)
    load_demo_reports()
    from ruam.programmes.demo import load_programme_demo

    load_programme_demo()
    return DemoResult(password_file=path, usernames=people.usernames)


DEMO_TICKETS = Path(__file__).resolve().parent.parent / "data" / "demo_traffy_tickets.csv.gz"

# Native demo reports in คลองสามวา, each taken through the moves that give the statuses imports
# do not have: (key, text, category, lat, lon, moves). A move is (status, note, needs photo).
NATIVE = [
    (
        "coordinating",
        "ไฟส่องสว่างในซอยวัดพระยาสุเรนทร์ดับหลายต้น ช่วงกลางคืนมืดมาก",
        "แสงสว่าง",
        13.8621,
        100.7102,
        [("coordinating", "ประสานการไฟฟ้านครหลวงแล้ว", False)],
    ),
    (
        "invited",
        "น้ำท่วมขังถนนหทัยราษฎร์ช่วงหน้าตลาดทุกครั้งที่ฝนตก",
        "น้ำท่วม",
        13.8712,
        100.6921,
        [("invited", "เชิญสำนักการระบายน้ำร่วมตรวจสอบท่อหลัก", False)],
    ),
    (
        "reopened",
        "ทางเท้าหน้าโรงเรียนชำรุด กระเบื้องหลุดหลายแผ่น",
        "ทางเท้า",
        13.8550,
        100.7011,
        [
            ("in_progress", "", False),
            ("finished", "ซ่อมกระเบื้องแล้ว", True),
            ("reopened", "ยังมีกระเบื้องหลุดอีกสองแผ่น", False),
        ],
    ),
    (
        "closed",
        "ขอให้ขยายถนนในหมู่บ้านเอกชน",
        "ถนน",
        13.8480,
        100.7150,
        [
            ("in_progress", "", False),
            ("closed_unfixed", "ถนนเป็นของหมู่บ้านจัดสรร เขตดำเนินการไม่ได้", False),
        ],
    ),
    (
        "confirmed",
        "ต้นไม้ล้มขวางทางเข้าซอย",
        "ต้นไม้",
        13.8590,
        100.7060,
        [
            ("in_progress", "", False),
            ("finished", "ตัดและเก็บกิ่งไม้แล้ว", True),
            ("confirmed", "", False),
        ],
    ),
    (
        "duplicate",
        "ไฟดับในซอยวัดพระยาสุเรนทร์ มืดทั้งซอย",
        "แสงสว่าง",
        13.8622,
        100.7101,
        [("duplicate", "ซ้ำกับเรื่องที่แจ้งไว้แล้ว", False)],
    ),
]


def load_demo_reports() -> None:
    """3,000 real Traffy tickets (imported) and a few native reports in every other status."""
    from ruam.integrations.traffy.importer import import_files

    import_files([DEMO_TICKETS])
    _native_reports()
    _committee_work()


def _native_reports() -> None:
    import io

    from PIL import Image

    from ruam.reports import services
    from ruam.reports.models import Channel, Report
    from ruam.reports.statuses import Status

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 140, 90)).save(buffer, "JPEG")
    after_photo = buffer.getvalue()
    User = get_user_model()
    official = User.objects.get(username="demo-1046-works")
    made: dict[str, Report] = {}
    for key, text, category, lat, lon, moves in NATIVE:
        result = services.submit_report(
            description=text,
            channel=Channel.WEB,
            lat=lat,
            lon=lon,
            categories=[category],
            idempotency_scope="demo",
            idempotency_key=key,
        )
        made[key] = result.report
        if not result.created:
            continue
        report = result.report
        for status, note, photo in moves:
            if status == Status.REOPENED:
                services.reopen(
                    report, reason=note, actor=User.objects.get(username="demo-1046-chair")
                )
            elif status == Status.CONFIRMED:
                services.confirm_fix(report, actor=User.objects.get(username="demo-1046-chair"))
            elif status == Status.INVITED:
                services.change_status(
                    report,
                    actor=official,
                    to=status,
                    note=note,
                    target_body=Body.objects.get(code="dept-drainage"),
                )
            elif status == Status.DUPLICATE:
                services.change_status(
                    report, actor=official, to=status, note=note, duplicate_of=made["coordinating"]
                )
            else:
                services.change_status(
                    report,
                    actor=official,
                    to=status,
                    note=note,
                    photos=[after_photo] if photo else [],
                )


def _committee_work() -> None:
    """คลองสามวา's committee: issues, a past meeting fully recorded, and a coming one."""
    from ruam.issues import services as issues
    from ruam.issues.models import Issue
    from ruam.meetings import services as meetings
    from ruam.meetings.models import Meeting, Section
    from ruam.reports.models import Report

    committee = Body.objects.get(code="committee-1046")
    if Meeting.objects.filter(body=committee).exists():
        return
    User = get_user_model()
    secretary = User.objects.get(username="demo-1046-secretary")
    chair = User.objects.get(username="demo-1046-chair")
    works = User.objects.get(username="demo-1046-head-works")
    flood_reports = list(
        Report.objects.filter(district_id="1046", categories__name_th="น้ำท่วม").order_by("pk")[:8]
    )
    flood = issues.create_issue(
        actor=User.objects.get(username="demo-1046-member1"),
        district_code="1046",
        title="น้ำท่วมขังซ้ำซากถนนหทัยราษฎร์",
        kind=Issue.Kind.PROBLEM,
        description="มีเรื่องแจ้งน้ำท่วมขังซ้ำหลายครั้งในบริเวณเดียวกัน ควรลอกท่อและตรวจบ่อสูบ",
        reports=flood_reports,
        source=Issue.Source.HOTSPOT,
    )
    park = issues.create_issue(
        actor=User.objects.get(username="demo-1046-member2"),
        district_code="1046",
        title="สวน 15 นาทีบนที่ดินว่างริมคลองสามวา",
        kind=Issue.Kind.DEVELOPMENT,
        description="เสนอพัฒนาที่ดินว่างของ กทม. ริมคลองเป็นสวนหย่อมสำหรับชุมชน",
        source=Issue.Source.RESIDENT,
    )
    for username in ["demo-1046-member3", "demo-1046-member4", "demo-1046-member5"]:
        issues.support(park, user=User.objects.get(username=username))

    now = timezone.now()
    past = meetings.schedule_meeting(
        actor=secretary,
        body=committee,
        starts_at=now - dt.timedelta(days=21),
        place="ห้องประชุมสำนักงานเขตคลองสามวา",
    )
    meetings.invite_members(past, actor=secretary)
    chair_news = meetings.add_item(
        past, actor=secretary, section=Section.CHAIR, title="แนวทางการทำงานของคณะขับเคลื่อนฯ ทั้ง 6 ด้าน"
    )
    item = meetings.add_item(past, actor=secretary, section=Section.FOR_DECISION, issue=flood)
    entries = [
        {
            "person": inv.person,
            "name": inv.name,
            "role": inv.role,
            "is_member": inv.group == "member",
            "status": "leave" if i == 3 else "present",
        }
        for i, inv in enumerate(past.invitations.all())
    ] + [{"name": "ผู้แทนสำนักการระบายน้ำ (ตัวอย่าง)", "role": "ผู้เข้าร่วมประชุม", "status": "guest"}]
    meetings.record_attendance(past, actor=secretary, entries=entries)
    meetings.record_minutes(
        chair_news, actor=secretary, minutes="ประธานแจ้งแนวทางการทำงานทั้ง 6 ด้าน ที่ประชุมรับทราบ"
    )
    meetings.record_minutes(
        item, actor=secretary, minutes="ฝ่ายโยธาชี้แจงว่าท่อระบายน้ำหลักอุดตันและบ่อสูบชำรุด"
    )
    meetings.resolve(
        item,
        actor=secretary,
        text="มอบฝ่ายโยธาลอกท่อระบายน้ำถนนหทัยราษฎร์ และประสานสำนักการระบายน้ำซ่อมบ่อสูบ",
        actions=[
            {
                "title": "ลอกท่อระบายน้ำถนนหทัยราษฎร์ทั้งสาย",
                "owner": Body.objects.get(code="division-1046-works"),
                "due": timezone.localdate() + dt.timedelta(days=9),
            },
            {
                "title": "ประสานซ่อมบ่อสูบน้ำ",
                "owner": Body.objects.get(code="dept-drainage"),
                "due": timezone.localdate() - dt.timedelta(days=2),
            },
        ],
    )
    meetings.hold(past, actor=secretary)
    first_action = item.resolutions.get().actions.order_by("pk").first()
    meetings.update_action(first_action, actor=works, progress=60, note="ลอกท่อแล้วประมาณ 60%")

    coming = meetings.schedule_meeting(
        actor=chair,
        body=committee,
        starts_at=now + dt.timedelta(days=7),
        place="ห้องประชุมสำนักงานเขตคลองสามวา",
    )
    meetings.invite_members(coming, actor=chair)
