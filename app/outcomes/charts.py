"""One small chart model, drawn as inline SVG by ``macros/charts.html``: bars or a line over
the program's weeks, break weeks shaded on the axis. Only coordinates and classes come out of
here, so the page needs no style attribute and the CSP stays strict."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 30, 6, 8, 22


@dataclass(frozen=True)
class Slot:
    """One week (or period) on the axis."""

    label: str
    value: float | None  # None: nothing to draw (no data, or hidden below the threshold)
    break_label: str | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    kind: str  # "bar" or "line"
    y_max: float
    unit: str
    slots: tuple[Slot, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    right: int = WIDTH - RIGHT

    @property
    def step(self) -> float:
        return (WIDTH - LEFT - RIGHT) / max(len(self.slots), 1)

    @property
    def base(self) -> float:
        return HEIGHT - BOTTOM

    def x(self, i: int) -> float:
        return round(LEFT + i * self.step, 2)

    def y(self, value: float) -> float:
        return round(self.base - (HEIGHT - TOP - BOTTOM) * min(value, self.y_max) / self.y_max, 2)

    def bars(self) -> list[dict]:
        gap = self.step * 0.15
        return [
            {
                "x": round(self.x(i) + gap, 2),
                "y": self.y(s.value),
                "w": round(self.step - 2 * gap, 2),
                "h": round(self.base - self.y(s.value), 2),
                "text": f"{s.label}: {fmt(s.value)}{self.unit}",
            }
            for i, s in enumerate(self.slots)
            if s.value is not None
        ]

    def lines(self) -> list[str]:
        """Polyline point lists; a missing value breaks the line rather than bridge a gap."""
        runs: list[list[str]] = [[]]
        for i, s in enumerate(self.slots):
            if s.value is None:
                runs.append([])
            else:
                runs[-1].append(f"{round(self.x(i) + self.step / 2, 2)},{self.y(s.value)}")
        return [" ".join(run) for run in runs if run]

    def breaks(self) -> list[dict]:
        return [
            {"x": self.x(i), "w": round(self.step, 2), "text": f"{s.label}: {s.break_label}"}
            for i, s in enumerate(self.slots)
            if s.break_label
        ]

    def ticks(self) -> list[dict]:
        """First and last labels under the axis (a phone has no room for every week)."""
        if not self.slots:
            return []
        ends = {0: "start", len(self.slots) - 1: "end"}
        return [
            {
                "x": self.x(i) if anchor == "start" else self.x(i) + self.step,
                "anchor": anchor,
                "text": self.slots[i].label,
            }
            for i, anchor in ends.items()
        ]


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"
