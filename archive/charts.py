"""The activity chart of a list: bar geometry for messages per month, drawn as SVG by a template."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from archive.models import MonthCount

WIDTH = 240
HEIGHT = 40
# A month's bar is at most this wide, so a young list draws a short chart rather than fat bars.
MAX_STEP = 12


@dataclass(frozen=True)
class Bar:
    """One month's bar, in SVG user units (y grows downwards)."""

    x: float
    y: float
    width: float
    height: float
    month: MonthCount


@dataclass(frozen=True)
class Chart:
    """A whole chart: its size, its bars and the busiest month."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    peak: MonthCount | None
    first: MonthCount | None
    last: MonthCount | None

    @property
    def label(self) -> str:
        """Describe the chart in words, for people who cannot see it."""
        if self.first is None or self.last is None or self.peak is None:
            return "No dated messages"
        return (f"Messages per month from {self.first.year}-{self.first.month:02d} to "
                f"{self.last.year}-{self.last.month:02d}; busiest {self.peak.year}-{self.peak.month:02d} "
                f"with {self.peak.messages}")


def every_month(counts: Sequence[MonthCount]) -> Iterator[MonthCount]:
    """Yield every month from the first to the last of counts, with 0 for the silent ones."""
    if not counts:
        return
    known = {(c.year, c.month): c.messages for c in counts}
    year, month = counts[0].year, counts[0].month
    end = (counts[-1].year, counts[-1].month)
    while (year, month) <= end:
        yield MonthCount(year, month, known.get((year, month), 0))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_chart(counts: Sequence[MonthCount], *, width: int = WIDTH, height: int = HEIGHT) -> Chart:
    """Return the bars of a messages-per-month chart scaled to width x height."""
    months = list(every_month(sorted(counts, key=lambda c: (c.year, c.month))))
    if not months:
        return Chart(width, height, (), None, None, None)
    peak = max(months, key=lambda c: c.messages)
    step = min(width / len(months), MAX_STEP)
    width = max(1, round(step * len(months)))
    gap = step * 0.15 if step >= 3 else 0.0
    bars = []
    for index, month in enumerate(months):
        # Any month with mail gets at least one unit, so a quiet month never looks silent.
        tall = max(1.0, height * month.messages / peak.messages) if month.messages and peak.messages else 0.0
        bars.append(Bar(round(index * step, 2), round(height - tall, 2), round(step - gap, 2), round(tall, 2), month))
    return Chart(width, height, tuple(bars), peak, months[0], months[-1])
