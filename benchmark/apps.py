from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """The `benchmark` command and its synthetic catalogue; the running site never imports it."""

    name = "benchmark"
    verbose_name = "Benchmark"
