"""How long a full game rebuild takes: every balance from the ledger, every streak from its weeks.

Why it exists: issue 4 asks that ``flask game rebuild`` can redo everything for 1,000,000 ledger
rows and 10,000 users with 52 weeks of check-ins "on one core in under 20 s". The rebuild's
arithmetic is pure code in ``game/``; this script times that code alone, with no database, on a
ledger generated deterministically (``random.Random(seed)``) to look like a real year:

- users spread over four programs (weekly, every two weeks, monthly cadence; London, New York,
  Kolkata, Chatham; one program crosses the ISO-year edge), each with 4 break weeks;
- per mentee: check-ins (most rows) in the weeks they showed up, some pausing 3-6 weeks and
  coming back; the streak awards (4/12/26) and the comeback award their weeks call for; a few
  mentor repairs; meetings (at most 2 paid a week); goals of 3-6 milestones, about 8% of them
  sent back (a reversal row) and most of those confirmed again; completed goals; surveys.

It is not a test (pytest only collects ``tests/``) and fails nothing: read the numbers.

Run: ``.venv/bin/python benchmarks/game_rebuild.py`` (the full size; ``--quick`` is 10x smaller,
``--no-memory`` skips the slower second pass that measures memory, ``--profile PHASE`` prints
where a phase spends its time, with cProfile).

How to read the table:

- 1a ``game.Ledger(rows)``: the reference ledger, which checks every key and reversal as it
  goes; 1b a plain sum of the amounts per user, which is what the app's rebuild does (an SQL
  ``SUM ... GROUP BY``; the UNIQUE key already guarantees each row once). The script checks that
  both give identical balances, and says so.
- 2 streaks: for every user, parse the stored week keys (``2025-W07``, as the app stores them)
  and ``game.compute_streak`` over the 52 weeks, as of the last week, with any repair; then
  (2c) replay every check-in as the rebuild does: the streak as of each week from one
  ``game.streak_history`` walk, ``game.decide`` against a reference ``game.Ledger``.
- 3 the total of the phases a rebuild runs (with 1a and, as 3', with 1b).
- wall s is ``time.perf_counter``; cpu s is ``time.process_time`` (this process only), the
  fairer figure when the machine is busy with other work. wall/20s and cpu/20s divide by the
  target: under 1.00 meets it. The load average is printed with the figures.
- After generating, the script runs ``gc.collect(); gc.freeze()`` so that Python's full
  collections during a phase do not walk the million generated rows, which the app's rebuild
  never holds (it sums in SQL); ``--no-gc-freeze`` shows the difference (mostly in 2a).
- peak MiB: memory the phase itself allocates at its highest point, measured with
  ``tracemalloc`` in a second, untimed pass (tracing slows Python down, so the timed pass runs
  without it); the generated rows are not counted. The last line gives the process's max RSS
  (``resource.getrusage``), which does include them.

Generation time is excluded from the phases and printed on its own.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import resource
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from game import (  # noqa: E402 (the repository root goes on the path first)
    CHECKIN_POINTS,
    COMEBACK_POINTS,
    GOAL_POINTS,
    MEETING_POINTS,
    MILESTONE_POINTS,
    STREAK_POINTS,
    SURVEY_POINTS,
    Award,
    Cadence,
    CheckIn,
    Entry,
    Ledger,
    ProgramCalendar,
    Reason,
    Reversal,
    StreakState,
    WeekKey,
    checkin_key,
    comeback_key,
    compute_streak,
    decide,
    goal_key,
    meeting_key,
    milestone_key,
    milestone_reversal_key,
    streak_history,
    streak_key,
    streak_milestones_reached,
    survey_key,
)

TARGET_SECONDS = 20.0
# (zone, cadence, first Monday, share of users)
PROGRAMS = (
    ("Europe/London", Cadence.WEEKLY, date(2025, 1, 6), 0.4),
    ("America/New_York", Cadence.BIWEEKLY, date(2025, 1, 6), 0.3),
    ("Asia/Kolkata", Cadence.MONTHLY, date(2024, 9, 2), 0.2),
    ("Pacific/Chatham", Cadence.WEEKLY, date(2024, 9, 2), 0.1),
)
MEETING_SHARE = {Cadence.WEEKLY: 0.55, Cadence.BIWEEKLY: 0.35, Cadence.MONTHLY: 0.2}


@dataclass
class Mentee:
    user_id: int
    program: int  # index into the calendars
    week_keys: list[str]  # stored check-in weeks, as the app stores them
    repairs: tuple[str, ...]


@dataclass
class World:
    calendars: list[ProgramCalendar]
    mentees: list[Mentee]
    rows: list[Entry]


class _Ids:
    def __init__(self) -> None:
        self.meeting = self.goal = self.milestone = 0

    def next(self, name: str) -> int:
        value = getattr(self, name) + 1
        setattr(self, name, value)
        return value


def generate(users: int, events: int, weeks: int, seed: int) -> World:
    """A year of ledger rows for ``users`` mentees, exactly ``events`` rows, ordered by week."""
    rng = random.Random(seed)  # noqa: S311 (reproducible data, not secrets)
    calendars = []
    for zone, cadence, start, _ in PROGRAMS:
        days = [start + timedelta(weeks=i) for i in range(weeks)]
        inner = days[4:-4] or days
        breaks = {WeekKey(*d.isocalendar()[:2]) for d in rng.sample(inner, min(4, weeks // 10))}
        end = start + timedelta(weeks=weeks, days=-1)
        calendars.append(ProgramCalendar(start, end, cadence, frozenset(breaks), zone))
    quotas = [events // users + (i < events % users) for i in range(users)]
    for i in range(0, users - 1, 2):  # more and less active people, same total
        room = min(quotas[i + 1] // 2, quotas[i + 1] - weeks - 4)  # keep every check-in row
        shift = rng.randint(0, max(0, room))
        quotas[i], quotas[i + 1] = quotas[i] + shift, quotas[i + 1] - shift
    programs = rng.choices(range(len(PROGRAMS)), [share for *_, share in PROGRAMS], k=users)
    buckets: list[list[Entry]] = [[] for _ in range(weeks)]  # rows by the week written
    ids, mentees = _Ids(), []
    for index in range(users):
        program = programs[index]
        mentee, rows = _mentee(rng, ids, index + 1, program, calendars[program], quotas[index])
        mentees.append(mentee)
        for stamp, row in rows:
            buckets[stamp].append(row)
    rows = [row for bucket in buckets for row in bucket]
    assert len(rows) == events, (len(rows), events)
    return World(calendars, mentees, rows)


def _mentee(
    rng: random.Random, ids: _Ids, user: int, program: int, calendar: ProgramCalendar, quota: int
) -> tuple[Mentee, list[tuple[int, Entry]]]:
    """One mentee's stored check-in weeks and ledger rows, each with the week it was written."""
    weeks, pid = calendar.weeks(), program + 1
    last = len(weeks) - 1
    open_weeks = [i for i, week in enumerate(weeks) if not calendar.is_break(week)]
    showing_up = rng.betavariate(6, 1.6)
    paused: range = range(0)
    if rng.random() < 0.25:
        length = rng.randint(3, 6)
        first = rng.randrange(max(1, len(weeks) - length))
        paused = range(first, first + length)
    counted = [i for i in open_weeks if i not in paused and rng.random() < showing_up]
    missed = sorted(set(open_weeks[:-1]) - set(counted))
    repairs = (weeks[rng.choice(missed)],) if missed and rng.random() < 0.02 else ()
    checked = {weeks[i] for i in counted}

    rows: list[tuple[int, Entry]] = []
    for i in counted:
        key = checkin_key(user, weeks[i])
        rows.append((i, Award(key, user, CHECKIN_POINTS, Reason.CHECKIN, weeks[i], None, pid)))
    state = compute_streak(checked, calendar, weeks[last], repairs)
    for n in streak_milestones_reached(state):  # written at the earliest week it can be reached
        award = Award(streak_key(user, pid, n), user, STREAK_POINTS, Reason.STREAK, program_id=pid)
        rows.append((counted[n - 1], award))
    if state.comebacks:
        low, high = 0, last  # first week as of which a streak had ended (it only becomes true)
        while low < high:
            middle = (low + high) // 2
            if compute_streak(checked, calendar, weeks[middle], repairs).broken_before:
                high = middle
            else:
                low = middle + 1
        i = next(i for i in counted if i >= low)  # the check-in that starts the next streak
        key = comeback_key(user, weeks[i])
        rows.append((i, Award(key, user, COMEBACK_POINTS, Reason.COMEBACK, weeks[i], None, pid)))
    rows.sort(key=lambda item: item[0])
    del rows[quota:]  # only when --events leaves fewer rows per user than check-ins
    kept = [str(row.week) for _, row in rows if row.reason is Reason.CHECKIN]
    mentee = Mentee(user, program, kept, tuple(map(str, repairs)))

    spare = quota - len(rows)
    meetings = min(round(spare * MEETING_SHARE[calendar.cadence]), 2 * len(open_weeks))
    step = calendar.cadence.value
    slots = sorted(open_weeks, key=lambda i: (i % step != 0, rng.random())) + open_weeks
    for i in sorted(slots[:meetings]):
        key = meeting_key(ids.next("meeting"), user)
        rows.append((i, Award(key, user, MEETING_POINTS, Reason.MEETING, weeks[i], None, pid)))
    for survey in range(min(rng.randint(0, 3), quota - len(rows))):
        key, stamp = (
            survey_key(pid * 1000 + survey, user),
            min(last, (survey + 1) * len(weeks) // 4),
        )
        rows.append((stamp, Award(key, user, SURVEY_POINTS, Reason.SURVEY)))

    cursor = rng.randrange(4)
    while len(rows) < quota:  # goals fill the rest, a prefix of the last one if need be
        goal = ids.next("goal")
        for _ in range(rng.randint(3, 6)):
            milestone, stamp = ids.next("milestone"), min(cursor, last)
            cursor += rng.choice((0, 1, 1, 2))
            key = milestone_key(milestone, 1)
            rows.append(
                (stamp, Award(key, user, MILESTONE_POINTS, Reason.MILESTONE, None, goal, pid))
            )
            if rng.random() < 0.08:
                stamp = min(last, stamp + rng.randint(0, 2))
                back = milestone_reversal_key(milestone, 1)
                rows.append((stamp, Reversal(back, key, user, -MILESTONE_POINTS, goal_id=goal)))
                if rng.random() < 0.6:
                    again = milestone_key(milestone, 2)
                    award = Award(again, user, MILESTONE_POINTS, Reason.MILESTONE, None, goal, pid)
                    rows.append((min(last, stamp + 1), award))
        if rng.random() < 0.7:
            award = Award(goal_key(goal), user, GOAL_POINTS, Reason.GOAL, None, goal, pid)
            rows.append((min(last, cursor), award))
    return mentee, rows[:quota]


# The phases. Each takes the world and returns what a rebuild would keep.


def ledger_balances(world: World) -> dict[int, int]:
    return dict(Ledger(world.rows).balances())


def plain_sums(world: World) -> dict[int, int]:
    sums: defaultdict[int, int] = defaultdict(int)
    for row in world.rows:
        sums[row.user_id] += row.amount
    return dict(sums)


def parse_weeks(world: World) -> list[set[WeekKey]]:
    return [{WeekKey.parse(key) for key in mentee.week_keys} for mentee in world.mentees]


def streaks(world: World, parsed: list[set[WeekKey]]) -> list[StreakState]:
    calendars = world.calendars
    return [
        compute_streak(
            weeks,
            calendars[mentee.program],
            calendars[mentee.program].weeks()[-1],
            [WeekKey.parse(repair) for repair in mentee.repairs],
        )
        for mentee, weeks in zip(world.mentees, parsed, strict=True)
    ]


def replay_checkins(world: World, parsed: list[set[WeekKey]]) -> int:
    """Every check-in decided again, each with the streak as of its week, into one ledger."""
    ledger = Ledger()
    for mentee, weeks in zip(world.mentees, parsed, strict=True):
        calendar = world.calendars[mentee.program]
        repairs = [WeekKey.parse(repair) for repair in mentee.repairs]
        history = streak_history(weeks, calendar, calendar.weeks()[-1], repairs)
        for week in sorted(weeks):
            state = history.get(week) or compute_streak(weeks, calendar, week, repairs)
            event = CheckIn(mentee.user_id, mentee.program, week)
            ledger.apply(decide(event, ledger.view_for(event, state)))
    return len(ledger)


@dataclass
class Measure:
    wall: float = 0.0
    cpu: float = 0.0
    peak: int | None = None  # bytes, from the tracemalloc pass


def timed(fn: Callable[[], object]) -> tuple[object, Measure]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, Measure(time.perf_counter() - wall, time.process_time() - cpu)


def traced_peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="10x fewer users and events")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc pass")
    parser.add_argument("--no-gc-freeze", action="store_true", help="leave the data to the GC")
    parser.add_argument("--profile", choices=("ledger", "sum", "streaks", "replay"))
    args = parser.parse_args(argv)
    if args.quick:
        args.users, args.events = args.users // 10, args.events // 10

    start = time.perf_counter()
    world = generate(args.users, args.events, args.weeks, args.seed)
    generated = time.perf_counter() - start
    if not args.no_gc_freeze:
        gc.collect()
        gc.freeze()  # the generated rows are setup: full collections need not walk them
    mix = Counter(row.reason.value for row in world.rows)
    weeks_stored = sum(len(mentee.week_keys) for mentee in world.mentees)

    if args.profile:
        run = {
            "ledger": lambda: ledger_balances(world),
            "sum": lambda: plain_sums(world),
            "streaks": lambda: streaks(world, parse_weeks(world)),
            "replay": lambda: replay_checkins(world, parse_weeks(world)),
        }[args.profile]
        profile = cProfile.Profile()
        profile.runcall(run)
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)
        return

    balances, ledger_m = timed(lambda: ledger_balances(world))
    sums, sum_m = timed(lambda: plain_sums(world))
    parsed, parse_m = timed(lambda: parse_weeks(world))
    _, streak_m = timed(lambda: streaks(world, parsed))
    _, replay_m = timed(lambda: replay_checkins(world, parsed))
    if not args.no_memory:
        ledger_m.peak = traced_peak(lambda: ledger_balances(world))
        sum_m.peak = traced_peak(lambda: plain_sums(world))
        parse_m.peak = traced_peak(lambda: parse_weeks(world))
        streak_m.peak = traced_peak(lambda: streaks(world, parse_weeks(world)))
        replay_m.peak = traced_peak(lambda: replay_checkins(world, parse_weeks(world)))

    def both(a: Measure, b: Measure) -> Measure:
        peak = None if a.peak is None or b.peak is None else max(a.peak, b.peak)
        return Measure(a.wall + b.wall, a.cpu + b.cpu, peak)

    phase2 = both(both(parse_m, streak_m), replay_m)
    if not args.no_memory:  # parse and compute together, the parsed weeks held throughout
        phase2.peak = max(
            traced_peak(lambda: streaks(world, parse_weeks(world))), replay_m.peak or 0
        )
    rows_n, users_n = len(world.rows), len(world.mentees)
    table = [
        ("1a game.Ledger(rows).balances()", f"{rows_n:,} rows", ledger_m, rows_n),
        ("1b plain sum per user", f"{rows_n:,} rows", sum_m, rows_n),
        ("2a parse stored week keys", f"{weeks_stored:,} keys", parse_m, weeks_stored),
        ("2b compute_streak", f"{users_n:,} users", streak_m, users_n),
        ("2c check-ins replayed", f"{weeks_stored:,} check-ins", replay_m, weeks_stored),
        ("2  streaks (2a + 2b + 2c)", f"{users_n:,} users", phase2, users_n),
        ("3  total (1a + 2)", f"{rows_n:,} rows", both(ledger_m, phase2), rows_n),
        ("3' total (1b + 2)", f"{rows_n:,} rows", both(sum_m, phase2), rows_n),
    ]

    print(f"game rebuild benchmark: python {sys.version.split()[0]}, pid {os.getpid()}")
    print(f"load average (1, 5, 15 min) at start of report: {os.getloadavg()}")
    print(
        f"data: {rows_n:,} ledger rows, {users_n:,} users, {args.weeks} weeks, seed {args.seed}; "
        f"{weeks_stored:,} stored check-in weeks, "
        f"{sum(1 for m in world.mentees if m.repairs)} repairs"
    )
    print("mix: " + ", ".join(f"{reason} {count:,}" for reason, count in mix.most_common()))
    print(
        f"generation (not measured below): {generated:.2f} s; gc.freeze() after it: "
        f"{'no' if args.no_gc_freeze else 'yes'}"
    )
    print()
    header = f"{'phase':34} {'work':>18} {'wall s':>8} {'cpu s':>8} {'per second':>12}"
    print(header + f" {'peak MiB':>9} {'wall/20s':>8} {'cpu/20s':>8}")
    for name, work, m, items in table:
        rate = f"{items / m.wall:,.0f}" if m.wall else "-"
        peak = "-" if m.peak is None else f"{m.peak / 2**20:.1f}"
        print(
            f"{name:34} {work:>18} {m.wall:8.2f} {m.cpu:8.2f} {rate:>12} {peak:>9} "
            f"{m.wall / TARGET_SECONDS:8.2f} {m.cpu / TARGET_SECONDS:8.2f}"
        )
    print()
    print(
        "per second: rows (1, 3), week keys (2a), check-ins (2c), users (2b, 2). peak MiB: "
        "tracemalloc, the phase's own allocations in an untimed pass; for 3 and 3' the larger "
        "of its phases."
    )
    same = balances == sums
    print(f"1a and 1b balances identical: {same} ({len(sums):,} users)")
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"process max RSS (getrusage, generated data included): {maxrss:.0f} MiB")
    if not same:
        sys.exit("the plain sum disagrees with game.Ledger")


if __name__ == "__main__":
    main()
