"""The stages and lost reasons a company starts with (issue 22), in both languages. The data
migration installs them; tests whose database was flushed (transactional tests empty every
table) install them again with `install`."""

STAGES = [
    ("初步接洽", "Initial contact", 10, 10, "open"),
    ("需求确认", "Needs confirmed", 20, 30, "open"),
    ("方案报价", "Proposal and quote", 30, 50, "open"),
    ("商务谈判", "Negotiation", 40, 70, "open"),
    ("赢单", "Won", 50, 100, "won"),
    ("输单", "Lost", 60, 0, "lost"),
]
LOST_REASONS = [
    ("价格太高", "Price too high", 10),
    ("选择了竞争对手", "Chose a competitor", 20),
    ("预算不足", "No budget", 30),
    ("需求取消", "Need cancelled", 40),
    ("联系不上", "Could not reach them", 50),
    ("其他", "Other", 60),
]


def install(stage_model, reason_model) -> None:
    """Add the default stages and reasons that are missing (by Chinese name); safe to re-run.
    Takes the models, so a migration can pass its historical ones."""
    for name_zh, name_en, order, probability, kind in STAGES:
        stage_model.objects.get_or_create(name_zh=name_zh, defaults={
            "name_en": name_en, "order": order, "probability": probability, "kind": kind})
    for name_zh, name_en, order in LOST_REASONS:
        reason_model.objects.get_or_create(name_zh=name_zh, defaults={"name_en": name_en, "order": order})
