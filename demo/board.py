"""Demo board posts, replies and suggestions for the README's run command.

`seed` creates them only when the board (or the box) is empty, so running it again adds nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bulletin.models import Emoticon, Post, Reply, Suggestion, SuggestionReply
from bulletin.policies import is_management

POSTS = [
    (
        "本周五部门聚餐",
        Emoticon.PARTY,
        "大家好！本周五晚上六点半在公司楼下的川菜馆聚餐，庆祝上个月业绩达标。\n请在周四中午前回复是否参加，方便订位。",
        ["我参加！", "周五要拜访客户，可能晚点到。", "太好了，终于可以吃火锅了。"],
    ),
    (
        "新版报价单模板已上传",
        Emoticon.IDEA,
        "新版报价单模板已经放到共享盘“销售/模板”目录里，主要改动：\n1. 增加了付款方式一栏\n2. 有效期默认30天\n有问题随时找我。",
        ["收到，谢谢！", "旧模板还能用吗？"],
    ),
    (
        "请教：客户一直说“再考虑考虑”怎么办？",
        Emoticon.THINKING,
        "有个意向客户跟了一个多月，每次都说再考虑考虑。大家一般怎么推进？",
        ["先问清楚顾虑在哪里：价格、时间还是决策人。", "可以约他来公司参观一次，效果不错。"],
    ),
    (
        "打印机又卡纸了",
        Emoticon.SAD,
        "三楼的打印机又卡纸了，行政说下午来修，急用的同事先去二楼打印。",
        [],
    ),
    (
        "恭喜二组拿下年度大单",
        Emoticon.THUMBS_UP,
        "恭喜二组上周签下今年最大的一笔订单！大家辛苦了，经验分享会下周二下午举行。",
        ["厉害！", "期待分享会。"],
    ),
    (
        "茶水间新到了咖啡豆",
        Emoticon.COFFEE,
        "茶水间新到了两袋咖啡豆，磨豆机在柜子第二层，用完请清理一下。",
        ["感谢行政！"],
    ),
]

GUEST_POST = ("访问登记：明天上午有供应商来访", Emoticon.QUESTION, "明天上午十点有供应商来访，前台请帮忙登记一下。", "前台 小刘")

SUGGESTIONS = [
    ("希望客户资料导入支持更多格式", "很多客户给的是WPS表格，希望导入时能直接识别，少一步转换。", True, "已转给技术同事评估，下个月答复。"),
    ("周例会时间太长", "每周一的例会经常开两个小时，建议控制在一小时以内，会前把材料发出来。", False, "收到，下周开始试行一小时。"),
    ("公海客户回收周期", "有些大客户决策周期长，30天没跟进就回收到公海不太合理，建议按客户等级区分。", True, ""),
    ("加班餐补", "月底冲业绩时经常加班到九点以后，希望能有餐补。", False, ""),
]


@transaction.atomic
def seed(*, people, rng) -> dict:
    """Board posts with replies and a few suggestions (signed and anonymous), unless some exist."""
    people = [person for person in people if person.has_sales_role]
    if not people:
        return {"posts": 0, "suggestions": 0}
    now = timezone.now()
    created = {"posts": 0, "suggestions": 0}
    managers = [person for person in people if is_management(person)] or people

    if not Post.objects.exists():
        for index, (title, emoticon, content, replies) in enumerate(POSTS):
            moment = now - timedelta(days=len(POSTS) - index, hours=rng.randint(0, 8))
            post = Post.objects.create(title=title, emoticon=emoticon, content=content, author=rng.choice(people))
            Post.objects.filter(pk=post.pk).update(created_at=moment)
            for number, text in enumerate(replies, start=1):
                reply = Reply.objects.create(post=post, content=text, author=rng.choice(people))
                Reply.objects.filter(pk=reply.pk).update(created_at=moment + timedelta(minutes=17 * number))
            created["posts"] += 1
        title, emoticon, content, guest_name = GUEST_POST
        Post.objects.create(title=title, emoticon=emoticon, content=content, guest_name=guest_name)
        created["posts"] += 1

    if not Suggestion.objects.exists():
        for index, (title, content, signed, answer) in enumerate(SUGGESTIONS):
            suggestion = Suggestion.objects.create(title=title, content=content, author=rng.choice(people) if signed else None)
            Suggestion.objects.filter(pk=suggestion.pk).update(created_at=now - timedelta(days=index * 3, hours=rng.randint(1, 6)))
            if answer:
                SuggestionReply.objects.create(suggestion=suggestion, content=answer, author=rng.choice(managers))
            created["suggestions"] += 1
    return created
