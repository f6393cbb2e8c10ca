import random

import pytest
from django.urls import reverse

from bulletin.models import Post, Reply, Suggestion, SuggestionReply
from demo import board as demo

pytestmark = pytest.mark.django_db


def test_it_seeds_a_board_and_a_box_once(cast, client_for):
    people = [cast.sales1, cast.sales2, cast.sup1, cast.admin, cast.backup]
    first = demo.seed(people=people, rng=random.Random(7))
    counts = (Post.objects.count(), Reply.objects.count(), Suggestion.objects.count(), SuggestionReply.objects.count())
    assert first["posts"] >= 5 and Reply.objects.exists()
    assert Suggestion.objects.filter(author__isnull=True).exists() and Suggestion.objects.filter(author__isnull=False).exists()
    assert not Post.objects.filter(author=cast.backup).exists()  # the backup operator never posts
    assert demo.seed(people=people, rng=random.Random(8)) == {"posts": 0, "suggestions": 0}
    assert counts == (Post.objects.count(), Reply.objects.count(), Suggestion.objects.count(), SuggestionReply.objects.count())
    assert "本周五部门聚餐" in client_for(cast.sales1).get(reverse("bulletin:post-list")).content.decode()
