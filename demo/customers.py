"""Realistic Chinese demo customers, in bulk: PostgreSQL COPY, so a million rows take minutes.

Generated columns (number, normalized_phone, search_text) are filled by the
database, exactly as for customers entered through the interface. The last contact time is set
here, and the follow-ups seeded next (demo.followups) end at it: the customers are never
updated afterwards (an UPDATE would compute every search column again).
"""

import csv
import io
import random
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from common.bulk import analyze
from crm.models import Custody, Customer
from demo import fields
from demo.bulk import indexes_deferred, worth_deferring
from demo.people import person_name

CITIES = [
    ("上海", ["浦东新区", "徐汇区", "静安区", "闵行区"]), ("北京", ["朝阳区", "海淀区", "东城区", "丰台区"]),
    ("广州", ["天河区", "越秀区", "番禺区"]), ("深圳", ["南山区", "福田区", "宝安区", "龙岗区"]),
    ("杭州", ["西湖区", "滨江区", "余杭区"]), ("南京", ["鼓楼区", "玄武区", "江宁区"]),
    ("成都", ["武侯区", "锦江区", "高新区"]), ("武汉", ["江汉区", "洪山区", "武昌区"]),
    ("苏州", ["工业园区", "姑苏区", "吴中区"]), ("西安", ["雁塔区", "碑林区"]), ("重庆", ["渝中区", "江北区"]),
    ("天津", ["和平区", "南开区"]), ("青岛", ["市南区", "崂山区"]), ("厦门", ["思明区", "湖里区"]),
]
ROADS = ["人民路", "中山路", "解放路", "建设路", "长江路", "南京路", "科技路", "世纪大道", "滨江大道", "文化路"]
BRAND = ["华信", "宏达", "鑫源", "恒通", "博远", "金桥", "天成", "瑞丰", "中科", "联创", "新锐", "永盛", "东方", "嘉禾", "明德", "诚信"]
TRADE = ["科技", "贸易", "实业", "电子", "机械", "建材", "物流", "医药", "食品", "网络", "教育", "咨询"]
SUFFIX = ["有限公司", "股份有限公司", "集团有限公司", "商贸有限公司"]
INDUSTRIES = ["制造业", "软件和信息技术", "批发零售", "建筑业", "金融", "教育培训", "医疗健康", "物流运输", "餐饮酒店", "房地产"]
TITLES = ["总经理", "采购经理", "技术总监", "行政主管", "财务经理", "董事长", "项目经理", "销售总监", "办公室主任", ""]
NOTES = [
    "初次电话沟通，对产品有兴趣，约下周面谈。",
    "已发报价单，客户认为价格偏高，需要再商量折扣。",
    "客户要求提供样品和技术资料。",
    "面谈顺利，预计下月签合同。",
    "客户预算暂时冻结，半年后再联系。",
    "朋友介绍，对售后服务很关注。",
    "",
]
MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152", "158", "159", "166", "177", "180", "186", "188", "189", "199"]

COLUMNS = [
    "name", "company", "job_title", "phone", "address", "type", "notes", "industry", "source", "grade",
    "gender", "photo", "owner_id", "created_by_id", "created_at", "updated_at", "last_contact_at",
    "next_contact_on", "pooled_at", "pool_reason",
]


def _phone(rng: random.Random) -> str:
    digits = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    style = rng.random()
    if style < 0.6:
        return digits
    if style < 0.85:
        return f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    return f"+86 {digits[:3]} {digits[3:7]} {digits[7:]}"


def _row(rng: random.Random, owner_ids: list[int], now, pool_share: float) -> list:
    city, districts = rng.choice(CITIES)
    company = f"{city}{rng.choice(BRAND)}{rng.choice(TRADE)}{rng.choice(SUFFIX)}"
    created = now - timedelta(days=rng.betavariate(1, 3) * 730, seconds=rng.randrange(86400))
    contacted = created + (now - created) * rng.random() if rng.random() < 0.8 else None
    in_pool = rng.random() < pool_share
    previous = rng.choice(owner_ids)
    owner = None if in_pool else previous
    grade = "vip" if rng.random() < 0.15 else "normal"
    next_on = (now + timedelta(days=rng.randint(-20, 40))).date() if not in_pool else None
    return [
        person_name(rng.randrange(10**6)),
        company if rng.random() < 0.9 else "",
        rng.choice(TITLES),
        _phone(rng),
        f"{city}市{rng.choice(districts)}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
        rng.choices(["prospect", "intention", "suspended"], weights=[2, 5, 1])[0],
        rng.choice(NOTES),
        rng.choice(INDUSTRIES),
        rng.choices(["self", "advertising", "referral"], weights=[5, 3, 2])[0],
        grade,
        rng.choice(["male", "female", ""]),
        "",
        owner,
        previous,
        created.isoformat(),
        (contacted or created).isoformat(),
        contacted.isoformat() if contacted else None,  # the seeded follow-ups end here
        next_on.isoformat() if next_on else None,
        (contacted or created).isoformat() if in_pool else None,
        "长期跟进无进展" if in_pool else "",
    ]


def _copy(table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(["\\N" if value is None else value for value in row])
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


def seed_customers(*, target: int, owner_ids: list[int], rng: random.Random, pool_share=0.2, batch=50_000, progress=None) -> int:
    """Add customers until there are `target` in all (so running again adds nothing).

    Each gets its "created" custody row; pool customers a "gave up" one too. Returns how many were added.
    """
    existing = Customer.objects.count()
    missing = target - existing
    if missing <= 0 or not owner_ids:
        return 0
    now = timezone.now()
    added = 0
    # One transaction: a large fill builds the indexes once at the end (all or nothing).
    with transaction.atomic(), indexes_deferred(Customer._meta.db_table, enabled=worth_deferring(missing, existing)), \
            indexes_deferred(Custody._meta.db_table, enabled=worth_deferring(missing, existing)):
        while added < missing:
            size = min(batch, missing - added)
            first_id = _next_ids(size)
            rows = [_row(rng, owner_ids, now, pool_share) for i in range(size)]
            _copy(Customer._meta.db_table, ["id", *COLUMNS, "custom"],
                  ([first_id + i, *row, fields.custom_json(rng, first_id + i)] for i, row in enumerate(rows)))
            _copy(Custody._meta.db_table, ["customer_id", "from_owner_id", "to_owner_id", "actor_id", "reason", "note", "created_at"],
                  _custody_rows(first_id, rows))
            added += size
            if progress:
                progress(added, missing)
    analyze(Customer, Custody)
    return added


def _custody_rows(first_id: int, rows):
    creator_at = COLUMNS.index("created_by_id")
    created_at = COLUMNS.index("created_at")
    pooled_at = COLUMNS.index("pooled_at")
    reason_at = COLUMNS.index("pool_reason")
    for i, row in enumerate(rows):
        customer_id, creator = first_id + i, row[creator_at]
        yield [customer_id, None, creator, creator, Custody.Reason.CREATED, "", row[created_at]]
        if row[pooled_at] is not None:
            yield [customer_id, creator, None, creator, Custody.Reason.GAVE_UP, row[reason_at], row[pooled_at]]


def _next_ids(count: int) -> int:
    """Reserve `count` consecutive ids from the customer id sequence; returns the first."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [Customer._meta.db_table])
        sequence = cursor.fetchone()[0]
        cursor.execute("LOCK TABLE crm_customer IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = cursor.fetchone()[0]
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first
