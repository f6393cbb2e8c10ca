from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`manage.py bench` and its siblings: they measure the product's pages and jobs (docs/benchmarks.md)."""

    name = "benchmarks"
