"""The benchmark's synthetic national workload, generated inside PostgreSQL.

Every table is filled by one ``INSERT … SELECT … FROM generate_series`` (bulk
inserts computed by the server, no row goes through Python or the ORM), so a
million applications take minutes, not hours.  The shape follows the
national figures of the performance review: offices (Tokyo about 40 %),
application types, statuses (most cases closed; an open case is a recent
one), three years of submissions (recent years busier), foreign nationals of
17 nationalities with realistic surname frequencies, organisations of very
different sizes (one of 5,000 cases for the benchmark's organisation user),
officers, status events, assignments, decisions, requests for documents and
an inbox of notifications.

Ids are explicit (after the largest existing id), so the generator runs on
top of migrations and the demo data; sequences are moved past them at the
end.  ``random()`` is seeded, so the same preset gives the same data.

Users made here have no usable password: the benchmark signs them in with a
session created server-side (``portal.bench.sessions``).

The ``national`` preset turns off FK triggers for the load
(``session_replication_role = replica``, superuser only): the rows are
consistent by construction and the deferred checks of ~6 M rows would cost
minutes at COMMIT; it also turns off the triggers that copy a person's
name onto their applications (``Application.search_name``), so the inserts
write that column themselves.  The ``small`` preset keeps every trigger and
constraint, and the test suite runs it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection, transaction

from accounts.models import OfficerRole
from applications.models import ApplicationType, StatusOfResidence
from applications.search import person_search_name_sql
from applications.workflow import Status

BENCH_EXAMINER = "bench-examiner"
BENCH_SUPERVISOR = "bench-supervisor"
BENCH_STAFF = "bench-staff"
BENCH_ORG_NAME = "Bench Sakura Works Co., Ltd."


@dataclass(frozen=True)
class Preset:
    applications: int
    people: int
    organisations: int
    tokyo_examiners: int
    other_examiners: int
    notifications: int
    fast: bool


PRESETS = {
    "small": Preset(2_000, 1_600, 40, 6, 2, 200, fast=False),
    # Big enough for the planner to prefer indexes (the EXPLAIN tests).
    "plans": Preset(30_000, 24_000, 3_000, 6, 2, 3_000, fast=False),
    "medium": Preset(100_000, 80_000, 2_000, 20, 4, 2_000, fast=True),
    "national": Preset(1_000_000, 800_000, 20_000, 60, 10, 18_000, fast=True),
}

# Share of applications per office (offices that take applications).
OFFICE_SHARES = {
    "TKY": 0.425,
    "OSK": 0.12,
    "NGY": 0.10,
    "YKH": 0.08,
    "FKO": 0.065,
    "SPR": 0.04,
    "SND": 0.04,
    "HRS": 0.04,
    "KOB": 0.04,
    "TKM": 0.025,
    "NAH": 0.025,
}
OFFICE_PREFECTURE = {"TKY": 13, "OSK": 27, "NGY": 23, "YKH": 14, "FKO": 40}

# Nationality: (share, family names most common first, given names, kanji
# family names aligned with the Roman ones or None).
NATIONALITIES: dict[str, tuple[float, list[str], list[str], list[str] | None]] = {
    "VN": (
        0.30,
        [
            "NGUYEN",
            "TRAN",
            "LE",
            "PHAM",
            "HOANG",
            "PHAN",
            "VU",
            "DANG",
            "BUI",
            "DO",
            "HO",
            "NGO",
            "DUONG",
            "LY",
        ],
        ["VAN AN", "THI HOA", "MINH DUC", "THI LAN", "QUANG HUY", "THU TRANG"],
        None,
    ),
    "CN": (
        0.22,
        [
            "WANG",
            "LI",
            "ZHANG",
            "LIU",
            "CHEN",
            "YANG",
            "HUANG",
            "ZHAO",
            "WU",
            "ZHOU",
            "XU",
            "SUN",
            "MA",
            "ZHU",
        ],
        ["WEI", "FANG", "XIU YING", "JING", "MIN", "JUN", "YAN", "HAO"],
        [
            "王",
            "李",
            "張",
            "劉",
            "陳",
            "楊",
            "黄",
            "趙",
            "呉",
            "周",
            "徐",
            "孫",
            "馬",
            "朱",
        ],
    ),
    "PH": (
        0.10,
        [
            "SANTOS",
            "REYES",
            "CRUZ",
            "BAUTISTA",
            "OCAMPO",
            "GARCIA",
            "MENDOZA",
            "TORRES",
        ],
        ["MARIA CLARA", "JOSE", "ANGELICA", "MARK", "JOHN PAUL", "KRISTINE"],
        None,
    ),
    "NP": (
        0.08,
        ["SHRESTHA", "GURUNG", "TAMANG", "RAI", "MAGAR", "THAPA", "KARKI", "ADHIKARI"],
        ["RAM", "SITA", "BIKASH", "ANITA", "SUNIL", "PRAKASH"],
        None,
    ),
    "ID": (
        0.07,
        ["SANTOSO", "WIJAYA", "SAPUTRA", "HIDAYAT", "NUGROHO", "KUSUMA"],
        ["BUDI", "SITI", "AGUS", "DEWI", "RINA", "ADI"],
        None,
    ),
    "MM": (
        0.05,
        ["AUNG", "KYAW", "HTUN", "MYINT", "ZAW", "WIN"],
        ["SAN", "THU", "MOE", "HLA", "NAING"],
        None,
    ),
    "KR": (
        0.04,
        ["KIM", "LEE", "PARK", "CHOI", "JUNG", "KANG", "CHO", "YOON"],
        ["MIN JUN", "SEO YEON", "JI HO", "HA EUN", "DO YUN"],
        ["金", "李", "朴", "崔", "鄭", "姜", "趙", "尹"],
    ),
    "BR": (
        0.03,
        ["SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "LIMA"],
        ["ANA", "JOAO"],
        None,
    ),
    "LK": (0.02, ["PERERA", "FERNANDO", "SILVA", "DIAS"], ["NIMAL", "KUMARI"], None),
    "BD": (0.02, ["HOSSAIN", "RAHMAN", "ISLAM", "AHMED"], ["MD", "FATEMA"], None),
    "IN": (0.02, ["SINGH", "KUMAR", "SHARMA", "PATEL"], ["RAHUL", "PRIYA"], None),
    "TH": (0.02, ["SAETANG", "SRISUK", "CHAIYA"], ["SOMCHAI", "MALEE"], None),
    "US": (0.01, ["SMITH", "JOHNSON", "WILLIAMS", "BROWN"], ["JOHN", "EMILY"], None),
    "MN": (0.01, ["BATBAYAR", "GANBAATAR"], ["BOLD", "NARAN"], None),
    "UZ": (0.01, ["KARIMOV", "RAHIMOV"], ["AZIZ", "DILNOZA"], None),
    "PE": (0.005, ["QUISPE", "FLORES"], ["LUIS", "ROSA"], None),
    "FR": (0.005, ["MARTIN", "BERNARD"], ["LUC", "CLAIRE"], None),
}

MAIN_TYPES = {
    "extension": 0.40,
    "coe": 0.25,
    "change": 0.25,
    "authorized_employment": 0.08,
    "acquisition": 0.02,
}
OPEN_MIX = {
    Status.EXAMINING: 0.36,
    Status.SUBMITTED: 0.22,
    Status.AWAITING_DOCUMENTS: 0.12,
    Status.GRANTED: 0.09,
    Status.DECISION_PROPOSED: 0.08,
    Status.FEE_PAID: 0.05,
    Status.ISSUED: 0.04,
    Status.DISPATCHED: 0.04,
}
CLOSED_MIX = {Status.COMPLETED: 0.88, Status.DENIED: 0.07, Status.WITHDRAWN: 0.05}
# An application submitted ``d`` days ago is still open with probability
# 1 - d/OPEN_WINDOW_DAYS (never after that).
OPEN_WINDOW_DAYS = 200
DAYS = 1095
DECIDED = ("granted", "fee_paid", "issued", "dispatched", "completed", "denied")


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _pick(weights: dict[str, float], r: str) -> str:
    """A CASE choosing a key of ``weights`` by the uniform random ``r``."""
    total = sum(weights.values())
    parts, cum = [], 0.0
    items = list(weights.items())
    for key, weight in items[:-1]:
        cum += weight / total
        parts.append(f"WHEN {r} < {cum:.6f} THEN {_lit(str(key))}")
    return f"(CASE {' '.join(parts)} ELSE {_lit(str(items[-1][0]))} END)"


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(_lit(v) for v in values) + "]"


def _skewed(values: list[str], r: str) -> str:
    """An element of ``values`` with the first ones most frequent."""
    return f"({_array(values)})[1 + floor(power({r}, 2) * {len(values)})::int]"


def generate(preset: Preset, *, seed: float = 0.42) -> list[str]:
    """Fill the database; returns a report (lines of text)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the benchmark data set needs PostgreSQL")
    started = time.monotonic()
    from accounts.models import User

    if User.objects.filter(username=BENCH_EXAMINER).exists():
        raise RuntimeError("this database already holds a benchmark data set")
    report: list[str] = []
    timings: list[tuple[str, float]] = []
    types = {t.code: t.pk for t in ApplicationType.objects.all()}
    statuses = list(
        StatusOfResidence.objects.filter(online_eligible=True).values_list(
            "pk", flat=True
        )
    )
    status_array = "ARRAY[" + ",".join(str(s) for s in statuses) + "]::bigint[]"
    with transaction.atomic(), connection.cursor() as cur:

        def run(label: str, sql: str) -> None:
            t0 = time.monotonic()
            cur.execute(sql)
            timings.append((label, time.monotonic() - t0))

        def base(table: str) -> int:
            cur.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            return int(cur.fetchone()[0])

        cur.execute("SELECT setseed(%s)", [seed])
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '128MB'")
        cur.execute("SET LOCAL jit = off")
        cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        fast = preset.fast and bool(cur.fetchone()[0])
        if fast:
            cur.execute("SET LOCAL session_replication_role = replica")

        ob, ub, mb = (
            base("accounts_organization"),
            base("accounts_user"),
            base("accounts_membership"),
        )
        fb, ab = base("applications_foreignnational"), base("applications_application")
        n_org, n_people = preset.organisations, preset.people
        n_main = round(preset.applications * 0.93)
        n_comp = preset.applications - n_main

        # Offices and officers (a few hundred rows).
        cur.execute(
            "SELECT id, code FROM accounts_office WHERE accepts_applications ORDER BY id"
        )
        offices = [(pk, code) for pk, code in cur.fetchall() if code in OFFICE_SHARES]
        run(
            "offices",
            "CREATE TEMP TABLE bench_office (office_id bigint, code text, lo float, "
            "hi float, prefecture int) ON COMMIT DROP",
        )
        total = sum(OFFICE_SHARES[c] for _, c in offices)
        cum = 0.0
        for pk, code in offices:
            share = OFFICE_SHARES[code] / total
            cur.execute(
                "INSERT INTO bench_office VALUES (%s, %s, %s, %s, %s)",
                [pk, code, cum, cum + share, OFFICE_PREFECTURE.get(code, 1)],
            )
            cum += share
        cur.execute(
            "UPDATE bench_office SET hi = 1.01 WHERE hi = (SELECT max(hi) FROM bench_office)"
        )
        run(
            "officers",
            "CREATE TEMP TABLE bench_officer (user_id bigint, office_id bigint, "
            "role text, idx int) ON COMMIT DROP",
        )
        user_id = ub + n_org
        officer_rows: list[tuple[int, int, str, int, str]] = []
        for pk, code in offices:
            n_exam = preset.tokyo_examiners if code == "TKY" else preset.other_examiners
            for role, count in (
                (OfficerRole.Role.EXAMINER, n_exam),
                (OfficerRole.Role.SUPERVISOR, 3),
            ):
                for i in range(count):
                    user_id += 1
                    if code == "TKY" and i == 0:
                        name = (
                            BENCH_EXAMINER
                            if role == OfficerRole.Role.EXAMINER
                            else BENCH_SUPERVISOR
                        )
                    else:
                        name = f"bench-{code.lower()}-{role}-{i + 1}"
                    officer_rows.append((user_id, pk, str(role), i, name))
        for uid, office_id, role_name, idx, name in officer_rows:
            cur.execute(
                "INSERT INTO bench_officer VALUES (%s, %s, %s, %s)",
                [uid, office_id, role_name, idx],
            )
            cur.execute(
                "INSERT INTO accounts_user (id, password, is_superuser, username, "
                "first_name, last_name, email, is_staff, is_active, date_joined, code, "
                "full_name, full_name_kana, phone, position, language, status, affiliation) "
                "VALUES (%s, '!', false, %s, '', '', %s, false, true, now(), "
                "gen_random_uuid(), %s, '', '', '', 'ja', 'active', '')",
                [uid, name, f"{name}@officer.bench.example", f"審査官 {name}"],
            )
            cur.execute(
                "INSERT INTO accounts_officerrole (role, office_id, user_id) "
                "VALUES (%s, %s, %s)",
                [role_name, office_id, uid],
            )
        run(
            "officer counts",
            "CREATE TEMP TABLE bench_office_n ON COMMIT DROP AS "
            "SELECT office_id, count(*) FILTER (WHERE role = 'examiner') AS ne, "
            "count(*) FILTER (WHERE role = 'supervisor') AS ns, "
            "array_agg(user_id ORDER BY idx) FILTER (WHERE role = 'examiner') AS ex, "
            "array_agg(user_id ORDER BY idx) FILTER (WHERE role = 'supervisor') AS su "
            "FROM bench_officer GROUP BY office_id",
        )

        # Organisations, their staff (one user each) and memberships.
        run(
            "organisations",
            f"""
            INSERT INTO accounts_organization (id, code, name_ja, name_en, is_corporation,
                corporate_number, category, postal_code, address, representative, phone,
                created_at, office_id, prefecture_id)
            SELECT {ob} + k, gen_random_uuid(),
                CASE WHEN k = 1 THEN 'ベンチさくら工業株式会社' ELSE 'ベンチ商事' || k || '株式会社' END,
                CASE WHEN k = 1 THEN {_lit(BENCH_ORG_NAME)}
                     ELSE 'Bench Trading ' || k || ' Co., Ltd.' END,
                true, '9' || lpad(({ob} + k)::text, 12, '0'), 1, '100-0001',
                '千代田区千代田1-' || k, '代表 ' || k, '03-0000-0000',
                now() - interval '4 years', o.office_id,
                CASE WHEN o.code IN ('TKY','OSK','NGY','YKH','FKO') THEN o.prefecture
                     ELSE 1 + k % 47 END
            FROM (SELECT k, CASE WHEN k = 1 THEN 0.0
                   ELSE ((k::bigint * 2654435761) % 1000003) / 1000003.0 END AS q
                  FROM generate_series(1, {n_org}) k) s
            JOIN bench_office o ON s.q >= o.lo AND s.q < o.hi
            """,
        )
        run(
            "org staff",
            f"""
            INSERT INTO accounts_user (id, password, is_superuser, username, first_name,
                last_name, email, is_staff, is_active, date_joined, code, full_name,
                full_name_kana, phone, position, language, user_category, status,
                affiliation)
            SELECT {ub} + k, '!', false,
                CASE WHEN k = 1 THEN {_lit(BENCH_STAFF)} ELSE 'bench-org-' || k END,
                '', '', 'staff' || k || '@org.bench.example', false, true, now(),
                gen_random_uuid(), '担当者 ' || k, '', '', '', 'ja', 1, 'active', ''
            FROM generate_series(1, {n_org}) k
            """,
        )
        run(
            "memberships",
            f"""
            INSERT INTO accounts_membership (id, created_at, user_id, organization_id)
            SELECT {mb} + k, now(), {ub} + k, {ob} + k FROM generate_series(1, {n_org}) k
            """,
        )

        # Foreign nationals: 1 in 200 works for the benchmark's organisation,
        # the others are spread over organisations of Pareto-like sizes.
        nat_case = _pick({k: v[0] for k, v in NATIONALITIES.items()}, "r_nat")
        family = " ".join(
            f"WHEN {_lit(nat)} THEN {_skewed(fams, 'r_name')}"
            for nat, (_w, fams, _g, _k) in NATIONALITIES.items()
        )
        given = " ".join(
            f"WHEN {_lit(nat)} THEN {_skewed(givens, 'r_given')}"
            for nat, (_w, _f, givens, _k) in NATIONALITIES.items()
        )
        kanji = " ".join(
            f"WHEN {_lit(nat)} THEN {_skewed(kan, 'r_name')} || ' ' || "
            f"{_skewed(['偉', '芳', '敏', '静', '俊', '燕'], 'r_given')}"
            for nat, (_w, _f, _g, kan) in NATIONALITIES.items()
            if kan
        )
        run(
            "foreign nationals",
            f"""
            INSERT INTO applications_foreignnational (id, code, family_name, given_name,
                name_kanji, sex, date_of_birth, nationality, passport_number,
                passport_expiry, residence_card_number, current_period, period_expiry,
                address_in_japan, created_at, updated_at, current_status_id,
                current_subcategory_id, organization_id, roster_entry_id)
            SELECT {fb} + g, gen_random_uuid(),
                CASE nat {family} END, CASE nat {given} END,
                coalesce(CASE nat {kanji} END, ''),
                CASE WHEN r_given < 0.5 THEN 'M' ELSE 'F' END,
                date '1965-01-01' + floor(r_x * 13000)::int, nat,
                'P' || lpad(g::text, 8, '0'),
                date '2028-01-01' + floor(r_x * 1500)::int,
                CASE WHEN r_x < 0.7 THEN 'AB' || lpad(g::text, 8, '0') || 'CD' ELSE '' END,
                '1y', current_date + floor(r_x * 700)::int,
                '東京都新宿区西新宿' || (g % 9 + 1) || '-' || (g % 97 + 1),
                now() - interval '3 years', now() - interval '3 years',
                ({status_array})[1 + floor(r_x * {len(statuses)})::int], NULL,
                CASE WHEN g % 200 = 0 THEN {ob} + 1
                     ELSE {ob} + 2 + floor(({n_org} - 1) * power(r_org, 2))::int END,
                NULL
            FROM (SELECT g, {nat_case} AS nat, r_name, r_given, r_x, r_org
                  FROM (SELECT g, random() r_nat, random() r_name, random() r_given,
                               random() r_x, least(random(), 0.999999) r_org
                        FROM generate_series(1, {n_people}) g) r) s
            """,
        )

        # Main applications: person -> organisation -> office.
        type_case = _pick({str(types[k]): v for k, v in MAIN_TYPES.items()}, "r_type")
        open_case = _pick({str(k): v for k, v in OPEN_MIX.items()}, "r_mix")
        closed_case = _pick({str(k): v for k, v in CLOSED_MIX.items()}, "r_mix")
        decided = ",".join(_lit(s) for s in DECIDED)
        run(
            "applications",
            f"""
            INSERT INTO applications_application (id, code, receipt_number, status,
                requested_period, reentry_variant, reentry_until, other_activity_kind,
                other_activity_details, event_date, answers, version, created_at,
                updated_at, submitted_at, received_on, decided_at, closed_at,
                withdrawal_reason, application_type_id, created_by_id, main_id,
                office_id, organization_id, submitted_by_id, target_status_id,
                target_subcategory_id, foreign_national_id, search_name)
            SELECT id, gen_random_uuid(),
                CASE WHEN st = 'draft' THEN NULL
                     ELSE o.code || '-' || to_char(sub AT TIME ZONE 'Asia/Tokyo', 'YYYY')
                          || '-' || lpad(id::text, 7, '0') END,
                st, '1y', '', NULL, '', '', NULL, '{{}}'::jsonb, 1 + (id % 3),
                coalesce(sub, now() - ago * interval '1 day') - interval '2 days',
                coalesce(closed, dec, sub + least(ago * 0.5, 3) * interval '1 day',
                         now() - ago * interval '1 day'),
                sub, (sub AT TIME ZONE 'Asia/Tokyo')::date, dec, closed,
                CASE WHEN st = 'withdrawn' THEN '都合により取り下げます' ELSE '' END,
                type_id, {ub} + (org_id - {ob}), NULL, org_office, org_id,
                CASE WHEN st = 'draft' THEN NULL ELSE {ub} + (org_id - {ob}) END,
                ({status_array})[1 + floor(r_x * {len(statuses)})::int], NULL, fn_id,
                search_name
            FROM (
                SELECT t.*,
                    CASE WHEN st IN ({decided})
                         THEN sub + least(ago * 0.9, 15 + 75 * r_x) * interval '1 day' END
                        AS dec,
                    CASE WHEN st = 'completed'
                         THEN sub + least(ago * 0.95, 35 + 75 * r_x) * interval '1 day'
                         WHEN st = 'denied'
                         THEN sub + least(ago * 0.9, 15 + 75 * r_x) * interval '1 day'
                         WHEN st = 'withdrawn'
                         THEN sub + least(ago * 0.5, 30 * r_x) * interval '1 day' END
                        AS closed
                FROM (
                    SELECT s.*, f.organization_id AS org_id, org.office_id AS org_office,
                        {person_search_name_sql("f")} AS search_name,
                        CASE WHEN r_draft < 0.01 THEN 'draft'
                             WHEN r_open < 1 - ago / {OPEN_WINDOW_DAYS}.0 THEN {open_case}
                             ELSE {closed_case} END AS st,
                        CASE WHEN r_draft < 0.01 THEN NULL
                             ELSE now() - ago * interval '1 day' END AS sub,
                        {type_case}::bigint AS type_id
                    FROM (
                        SELECT {ab} + g AS id,
                            CASE WHEN g <= {n_people} THEN {fb} + g
                                 ELSE {fb} + 1 + floor(random() * {n_people})::int END
                                AS fn_id,
                            {DAYS} * (1 - sqrt(random())) AS ago,
                            random() r_draft, random() r_open, random() r_mix,
                            random() r_type, random() r_x
                        FROM generate_series(1, {n_main}) g
                    ) s
                    JOIN applications_foreignnational f ON f.id = s.fn_id
                    JOIN accounts_organization org ON org.id = f.organization_id
                ) t
            ) a
            JOIN bench_office o ON o.office_id = a.org_office
            """,
        )
        # Companions share their main application's lifecycle and dates.
        run(
            "companions",
            f"""
            INSERT INTO applications_application (id, code, receipt_number, status,
                requested_period, reentry_variant, reentry_until, other_activity_kind,
                other_activity_details, event_date, answers, version, created_at,
                updated_at, submitted_at, received_on, decided_at, closed_at,
                withdrawal_reason, application_type_id, created_by_id, main_id,
                office_id, organization_id, submitted_by_id, target_status_id,
                target_subcategory_id, foreign_national_id, search_name)
            SELECT c.id, gen_random_uuid(),
                CASE WHEN m.receipt_number IS NULL THEN NULL
                     ELSE left(m.receipt_number, 9) || lpad(c.id::text, 7, '0') END,
                m.status, '', CASE WHEN c.reentry THEN 'multiple' ELSE '' END,
                CASE WHEN c.reentry THEN current_date + 700 END,
                CASE WHEN c.reentry THEN '' ELSE 'comprehensive' END,
                CASE WHEN c.reentry THEN '' ELSE '週28時間以内の飲食店での就労' END,
                NULL, '{{}}'::jsonb, 1, m.created_at, m.updated_at, m.submitted_at,
                m.received_on, m.decided_at, m.closed_at, m.withdrawal_reason,
                CASE WHEN c.reentry THEN {types["reentry"]} ELSE {types["other_activity"]} END,
                m.created_by_id, m.id, m.office_id, m.organization_id, m.submitted_by_id,
                NULL, NULL, m.foreign_national_id, m.search_name
            FROM (SELECT {ab} + {n_main} + c AS id,
                         {ab} + 1 + ((c::bigint * 7919) % {n_main}) AS main_id,
                         random() < 0.85 AS reentry
                  FROM generate_series(1, {n_comp}) c) c
            JOIN applications_application m ON m.id = c.main_id
            """,
        )

        # The officers of each case: examiner and supervisor by id, so events,
        # assignments and decisions agree.
        run(
            "case officers",
            f"""
            CREATE TEMP TABLE bench_case ON COMMIT DROP AS
            SELECT a.id, a.status, a.submitted_at, a.decided_at, a.closed_at,
                a.updated_at, a.submitted_by_id, a.target_status_id,
                n.ex[1 + a.id % n.ne] AS examiner_id, n.su[1 + a.id % n.ns] AS supervisor_id
            FROM applications_application a
            JOIN bench_office_n n ON n.office_id = a.office_id
            WHERE a.id > {ab} AND a.main_id IS NULL AND a.status <> 'draft'
            """,
        )
        run(
            "status events",
            """
            INSERT INTO applications_statusevent (action, from_status, to_status, at, note,
                actor_id, application_id)
            SELECT 'submit', 'draft', 'submitted', submitted_at, '', submitted_by_id, id
            FROM bench_case
            UNION ALL
            SELECT 'start_examination', 'submitted', 'examining',
                submitted_at + least(interval '3 days', (updated_at - submitted_at) / 2),
                '', examiner_id, id
            FROM bench_case WHERE status NOT IN ('submitted')
            UNION ALL
            SELECT x.action, x.from_status, bench_case.status,
                coalesce(closed_at, decided_at, updated_at), '',
                CASE WHEN x.action LIKE 'approve%' THEN supervisor_id
                     ELSE examiner_id END, id
            FROM bench_case JOIN (VALUES
                ('awaiting_documents', 'request_documents', 'examining'),
                ('decision_proposed', 'propose_decision', 'examining'),
                ('granted', 'approve_grant', 'decision_proposed'),
                ('fee_paid', 'confirm_fee', 'granted'),
                ('issued', 'issue', 'fee_paid'),
                ('dispatched', 'dispatch', 'issued'),
                ('completed', 'record_handover', 'dispatched'),
                ('denied', 'approve_denial', 'decision_proposed'),
                ('withdrawn', 'withdraw', 'examining')
            ) AS x (status, action, from_status) ON x.status = bench_case.status
            """,
        )
        run(
            "assignments",
            """
            INSERT INTO review_assignment (assigned_at, application_id, assigned_by_id,
                examiner_id)
            SELECT submitted_at + least(interval '3 days', (updated_at - submitted_at) / 2),
                id, supervisor_id, examiner_id
            FROM bench_case
            WHERE status IN ('examining', 'awaiting_documents', 'decision_proposed',
                             'granted', 'fee_paid', 'issued', 'dispatched')
            """,
        )
        run(
            "decisions",
            """
            INSERT INTO review_decision (outcome, state, granted_period, reentry_until,
                activity_terms, denial_reasons, proposed_at, approved_at,
                supervisor_comment, application_id, approved_by_id, granted_status_id,
                proposed_by_id)
            SELECT CASE WHEN status = 'denied' THEN 'deny' ELSE 'grant' END,
                CASE WHEN status = 'decision_proposed' THEN 'proposed' ELSE 'approved' END,
                CASE WHEN status = 'denied' THEN '' ELSE '1y' END, NULL, '',
                CASE WHEN status = 'denied' THEN '活動の実態が認められない' ELSE '' END,
                CASE WHEN status = 'decision_proposed' THEN updated_at
                     ELSE greatest(submitted_at, decided_at - interval '2 days') END,
                CASE WHEN status = 'decision_proposed' THEN NULL ELSE decided_at END,
                '', id,
                CASE WHEN status = 'decision_proposed' THEN NULL ELSE supervisor_id END,
                CASE WHEN status = 'denied' THEN NULL ELSE target_status_id END,
                examiner_id
            FROM bench_case
            WHERE status IN ('decision_proposed', 'granted', 'fee_paid', 'issued',
                             'dispatched', 'completed', 'denied')
            """,
        )
        rb = base("review_documentrequest")
        run(
            "document requests",
            f"""
            INSERT INTO review_documentrequest (id, code, state, due_date, message,
                created_at, answered_at, extension_reason, reminded_7, reminded_1,
                answered_by_id, application_id, created_by_id)
            SELECT {rb} + row_number() OVER (ORDER BY id), gen_random_uuid(),
                CASE WHEN status = 'awaiting_documents' THEN 'open' ELSE 'answered' END,
                (updated_at AT TIME ZONE 'Asia/Tokyo')::date + 14,
                '在職証明書を提出してください。',
                CASE WHEN status = 'awaiting_documents' THEN updated_at
                     ELSE submitted_at + interval '5 days' END,
                CASE WHEN status = 'awaiting_documents' THEN NULL
                     ELSE submitted_at + interval '12 days' END,
                '', false, false,
                CASE WHEN status = 'awaiting_documents' THEN NULL ELSE submitted_by_id END,
                id, examiner_id
            FROM bench_case
            WHERE status = 'awaiting_documents'
               OR (status = 'completed' AND id % 10 = 0
                   AND decided_at > submitted_at + interval '13 days')
            """,
        )
        run(
            "document request items",
            f"""
            INSERT INTO review_documentrequestitem (text, document_type, sort_order,
                request_id)
            SELECT x.text, x.kind, x.n, r.id
            FROM review_documentrequest r
            CROSS JOIN (VALUES ('在職証明書', 'employment', 0),
                               ('課税証明書', 'tax', 1)) AS x (text, kind, n)
            WHERE r.id > {rb}
            """,
        )
        run(
            "notifications",
            f"""
            INSERT INTO notifications_notification (code, to_email, language, kind,
                context, link, created_at, read_at, email_state, attempts,
                next_attempt_at, claimed_at, sent_at, last_error, recipient_id)
            SELECT gen_random_uuid(), 'staff1@org.bench.example', 'ja',
                'application_submitted', '{{}}'::jsonb, '',
                now() - g * interval '1 hour',
                CASE WHEN g % 80 = 0 THEN NULL ELSE now() - g * interval '1 hour'
                     + interval '5 minutes' END,
                'sent', 1, now() - g * interval '1 hour', NULL,
                now() - g * interval '1 hour', '', {ub} + 1
            FROM generate_series(1, {preset.notifications}) g
            """,
        )
        for table in (
            "accounts_organization",
            "accounts_user",
            "accounts_membership",
            "applications_foreignnational",
            "applications_application",
            "review_documentrequest",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        t0 = time.monotonic()
    timings.append(("commit", time.monotonic() - t0))
    t0 = time.monotonic()
    with connection.cursor() as cur:
        for table in (
            "accounts_organization",
            "accounts_user",
            "accounts_membership",
            "applications_foreignnational",
            "applications_application",
            "applications_statusevent",
            "review_assignment",
            "review_decision",
            "review_documentrequest",
            "review_documentrequestitem",
            "notifications_notification",
        ):
            # VACUUM sets the visibility map (index-only scans); outside a
            # transaction only.
            if connection.get_autocommit() and not connection.in_atomic_block:
                cur.execute(f"VACUUM ANALYZE {table}")
            else:
                cur.execute(f"ANALYZE {table}")
    timings.append(("vacuum analyze", time.monotonic() - t0))
    report.extend(f"{label:<24} {seconds:7.1f} s" for label, seconds in timings)
    report.append(f"{'total':<24} {time.monotonic() - started:7.1f} s")
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE status = ANY(%s) AND main_id IS NULL), "
            "count(*) FILTER (WHERE office_id = (SELECT id FROM accounts_office "
            "WHERE code = 'TKY')) FROM applications_application",
            [[str(s) for s in OPEN_MIX]],
        )
        n, n_open, n_tokyo = cur.fetchone()
    report.append(
        f"applications {n:,} (open main {n_open:,}, Tokyo {n_tokyo:,}); preset {preset}"
    )
    return report
