"""The load benchmark's percentile: the nearest rank, so p99 of 100 latencies is the 99th."""

import importlib.util
import math
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load_module():
    spec = importlib.util.spec_from_file_location("percentiles", BENCHMARKS / "percentiles.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


percentile = _load_module().percentile


def test_nearest_rank():
    values = [float(n) for n in range(100, 0, -1)]  # 100 .. 1, unsorted on purpose
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile(values, 99) == 99
    assert percentile(values, 100) == 100


def test_small_samples_round_up():
    assert percentile([3.0, 1.0, 2.0], 50) == 2
    assert percentile([3.0, 1.0, 2.0], 95) == 3
    assert percentile([7.0], 1) == 7


def test_no_values_is_nan():
    assert math.isnan(percentile([], 95))
