"""The messages-per-month chart geometry."""

from __future__ import annotations

from archive.charts import MAX_STEP, month_chart
from archive.models import MonthCount


def test_silent_months_are_filled_in_and_bars_scale_to_the_peak() -> None:
    chart = month_chart([MonthCount(2023, 11, 5), MonthCount(2024, 2, 20)], height=40)
    months = [(bar.month.year, bar.month.month, bar.month.messages) for bar in chart.bars]
    assert months == [(2023, 11, 5), (2023, 12, 0), (2024, 1, 0), (2024, 2, 20)]
    assert [bar.height for bar in chart.bars] == [10.0, 0.0, 0.0, 40.0]
    assert all(bar.y + bar.height == 40 for bar in chart.bars)
    assert chart.label == "Messages per month from 2023-11 to 2024-02; busiest 2024-02 with 20"


def test_a_quiet_month_still_shows_and_bars_stay_thin() -> None:
    chart = month_chart([MonthCount(2020, 1, 1), MonthCount(2020, 2, 1000)])
    assert chart.bars[0].height == 1.0
    assert chart.width == 2 * MAX_STEP
    long = month_chart([MonthCount(2000 + n // 12, n % 12 + 1, n) for n in range(120)], width=240)
    assert long.width == 240 and len(long.bars) == 120


def test_no_dated_messages() -> None:
    chart = month_chart([])
    assert chart.bars == () and chart.label == "No dated messages"
