"""The demo company's people: admin, backup operator, groups with their supervisors, salespeople.

Login names are fixed (admin, backup, sup1.., sales1..): other tooling logs in with them.
"""

from django.contrib.auth.hashers import make_password

from accounts.models import SalesGroup, User

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建华俊峰海波宇浩凯健斌子轩梓涵欣怡晨阳思远嘉怡雨婷志强文博"


def person_name(index: int) -> str:
    surname = SURNAMES[index % len(SURNAMES)]
    given = GIVEN[(index * 7) % len(GIVEN)] + (GIVEN[(index * 13 + 3) % len(GIVEN)] if index % 3 else "")
    return surname + given


DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (up to 9999)."""
    if n < 10:
        return DIGITS[n]
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append("零")
            parts.append(("" if (unit == "十" and n < 20) else DIGITS[digit]) + unit)
            zero = False
        elif parts:
            zero = True
    return "".join(parts)


def group_name(number: int) -> str:
    """The demo company is Chinese, so are its groups' names (data, not interface: the same in
    every language, like its people's names): 销售一组, 销售二组…"""
    return f"销售{chinese_number(number)}组"


def _upsert_user(username: str, *, password_hash: str, role: str, group=None, full_name: str = "") -> User:
    user, _ = User.objects.update_or_create(
        username=username,
        defaults={"role": role, "sales_group": group, "full_name": full_name, "is_active": True, "password": password_hash},
    )
    return user


def seed_people(*, password: str, groups: int, salespeople: int) -> dict:
    """Create or refresh the demo staff. Safe to run again: it updates, never duplicates."""
    logins = []
    password = make_password(password)  # hashed once: hundreds of demo users share it
    admin = _upsert_user("admin", password_hash=password, role=User.Role.ADMIN, full_name="赵总")
    logins.append((admin.username, str(User.Role.ADMIN.label)))
    backup = _upsert_user("backup", password_hash=password, role=User.Role.BACKUP_OPERATOR, full_name="运维 小周")
    logins.append((backup.username, str(User.Role.BACKUP_OPERATOR.label)))

    group_list = []
    for number in range(1, groups + 1):
        SalesGroup.objects.filter(name=f"Group {number}").update(name=group_name(number))  # seeded before the rename
        group, _ = SalesGroup.objects.get_or_create(name=group_name(number))
        supervisor = _upsert_user(
            f"sup{number}", password_hash=password, role=User.Role.SUPERVISOR, group=group, full_name=person_name(number * 31)
        )
        group.supervisor = supervisor
        group.save(update_fields=["supervisor"])
        group_list.append(group)
        logins.append((supervisor.username, f"{User.Role.SUPERVISOR.label}, {group.name}"))

    for number in range(1, salespeople + 1):
        group = group_list[(number - 1) % len(group_list)]
        _upsert_user(
            f"sales{number}", password_hash=password, role=User.Role.SALESPERSON, group=group, full_name=person_name(number)
        )
        if number <= 6:
            logins.append((f"sales{number}", f"{User.Role.SALESPERSON.label}, {group.name}"))
    if salespeople > 6:
        logins.append((f"sales7..sales{salespeople}", str(User.Role.SALESPERSON.label)))
    return {"groups": groups, "supervisors": groups, "salespeople": salespeople, "logins": logins}
