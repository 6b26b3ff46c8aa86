"""A program the size of a real school (or district), for the benchmarks that judge speed at scale.

Why it exists: issue 12 measures every page against a program of 1,000 mentor–mentee pairs (and
10,000, to show nothing grows with the program). ``build(pairs)`` makes one, around the real
clock, so a server started on it shows this week as a school would see it:

- one coordinator; one mentor with 25 mentees and one with 8 (one mentorship per mentee, so both
  sizes of the mentor's home exist); every other mentor has one mentee;
- ten finished weeks: about 80 % of mentee-weeks checked in, most of them answered by the mentor
  (the last week's less often, so mentors have replies to write), a few help requests still
  waiting; a held meeting in about 40 % of pair-weeks (a few cancelled) and the next one planned
  for every pair; 2 or 3 goals per mentee of 4 milestones each, in every state (confirmed, some
  waiting for the mentor's review, open; a few goals completed); kudos for about a third of the
  mentees. At 1,000 pairs: 8,002 check-ins, 2,316 goals (9,264 milestones), 5,061 meetings,
  366 kudos and 17,811 awards (the issue counted ~2,300 goals, ~4,900 meetings, ~16,600 awards).
- the current week is open: nobody has checked in yet, so a check-in posted now is a real one;
- the leaderboard is on, and every other mentee has chosen to appear on it.

What goes through the app's own code, and what does not:

- **bulk inserts** for the people, pairs and the facts of the first nine weeks (check-ins,
  meetings and their confirmations, goals, milestones and their events, kudos): calling the
  services once per fact takes minutes at 1,000 pairs and an hour at 10,000;
- **the real ledger**: ``flask game rebuild --fix``'s own code (``rebuild.check(fix=True)``)
  then replays those facts through the game's rules and writes every award, badge and total, as
  the app would have written them live;
- **the services** for the last finished week of a slice of pairs (the mentor of 8 and the first
  single pairs, ``SERVICE_PAIRS``): ``submit_checkin``, ``acknowledge``, ``confirm_met`` by both
  sides, ``submit_milestone`` + ``confirm_milestone``, ``give_kudos``, each at its own instant
  (``clock.pinned``), so the live award path writes their points on top of the rebuilt ledger.
  A final ``rebuild.check()`` must then find nothing to repair: the build says so.

``cached(pairs)`` keeps a built SQLite file under ``/tmp/waypoint-bench/`` named after the size,
the schema head, the builder's version (``BUILD``) and the ISO week it was built for (a program
built last week would have its current week already past), and reuses it.
``build_into(url, pairs)`` builds into any database.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 (the repository root goes on the path first)

from app import clock, create_app, summaries  # noqa: E402
from app.checkins import service as checkins  # noqa: E402
from app.extensions import db  # noqa: E402
from app.gamification import rebuild  # noqa: E402
from app.gamification import service as game_service  # noqa: E402
from app.goals import service as goals  # noqa: E402
from app.meetings import service as meetings  # noqa: E402
from app.mentorships_query import WITH_PEOPLE  # noqa: E402
from app.models import (  # noqa: E402
    CheckIn,
    Goal,
    GoalStatus,
    Kudos,
    Meeting,
    MeetingConfirmation,
    MeetingMode,
    MeetingStatus,
    Membership,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
    Milestone,
    MilestoneAction,
    MilestoneEvent,
    MilestoneStatus,
    Program,
    Role,
    User,
)
from app.passwords import hash_password  # noqa: E402
from game.weeks import week_of  # noqa: E402

PASSWORD = "benchmark password"
CACHE = Path(tempfile.gettempdir()) / "waypoint-bench"
BUILD = 2
"""The builder's version, in the cached file's name: raised whenever what it writes changes
(2: the leaderboard is on, every other mentee on it), so an older file is built again."""
WEEKS = 10
BIG, SMALL = 25, 8  # the two multi-mentee mentors' loads
SERVICE_PAIRS = 40  # pairs whose last finished week goes through the services
COORDINATOR = "coordinator@school.example"


@dataclass(frozen=True)
class Program_:
    """Who to log in as, and which rows their pages show (ids for the URLs)."""

    program_id: int
    big_mentor: str  # e-mail of the mentor of 25
    small_mentor: str  # e-mail of the mentor of 8
    mentees: list[str]  # single-pair mentees, not in the service slice, not checked in this week
    mentors: list[str]  # their mentors, in the same order


def mentee_email(i: int) -> str:
    return f"mentee{i}@school.example"


def mentor_email(i: int) -> str:
    return f"mentor{i}@school.example"


def schema_head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head() or "none"


def this_monday(now: datetime) -> date:
    today = now.date()
    return today - timedelta(days=today.weekday())


def cached_path(pairs: int, now: datetime) -> Path:
    return CACHE / f"{pairs}-{schema_head()}-b{BUILD}-{week_of(this_monday(now))}.sqlite3"


def _ids(model, count: int) -> list[int]:
    rows = db.session.scalars(sa.select(model.id).order_by(model.id.desc()).limit(count))
    return list(rows)[::-1]


def _bulk(model, rows: list[dict]) -> None:
    for i in range(0, len(rows), 5_000):
        db.session.execute(sa.insert(model), rows[i : i + 5_000])


def _mentor_of(pairs: int) -> list[int]:
    """The mentor index of each mentee: the first 25 share mentor 0, the next 8 mentor 1."""
    mentor = [0] * BIG + [1] * SMALL
    return mentor + list(range(2, 2 + pairs - BIG - SMALL))


def build_into(url: str, pairs: int, now: datetime, *, log=print) -> Program_:
    """Drop every table of ``url``, create them and build the program (see the module's text)."""
    if pairs < BIG + SMALL + SERVICE_PAIRS + 16:
        raise ValueError(f"--pairs must be at least {BIG + SMALL + SERVICE_PAIRS + 16}")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "benchmark"})
    began = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        program_id = _facts(pairs, now)
        log(f"  facts: {time.perf_counter() - began:.1f} s")
        differences = rebuild.check(fix=True)
        db.session.commit()
        log(
            f"  ledger rebuilt ({len(differences):,} rows and totals written): "
            f"{time.perf_counter() - began:.1f} s"
        )
        summaries.check(fix=True)  # the facts went in by bulk inserts, not through the services
        log(f"  summary rows computed: {time.perf_counter() - began:.1f} s")
        _through_services(program_id, now)
        log(
            f"  last week of {SERVICE_PAIRS} pairs through the services: "
            f"{time.perf_counter() - began:.1f} s"
        )
        left = rebuild.check()
        db.session.rollback()
        log(
            f"  rebuild check after the services: {len(left)} difference(s)"
            + "".join(f"\n    {d.kind}: {d.text}" for d in left[:5])
        )
        drifts = summaries.check()
        db.session.rollback()
        log(f"  summary rows after the services: {len(drifts)} difference(s)")
        log("  " + summary())
        db.session.remove()
        if db.engine.dialect.name == "postgresql":  # autovacuum would, in time: plan on stats now
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("ANALYZE")
        db.engine.dispose()  # SQLite: the last connection closed folds the WAL into the file
    return describe(pairs, program_id)


def same_schema(connection: sa.Connection) -> bool:
    """Whether the database has every table of the models with the models' columns (it was
    built by ``create_all``, so no migration stamp tells its schema)."""
    found = sa.inspect(connection)
    names = set(found.get_table_names())
    return all(
        table.name in names
        and {c["name"] for c in found.get_columns(table.name)} == set(table.columns.keys())
        for table in db.metadata.sorted_tables
    )


def built(url: str, pairs: int, now: datetime) -> bool:
    """Whether ``url`` already holds this week's program of ``pairs`` pairs, in this schema."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not same_schema(connection):
                return False
            starts_on, mentees = connection.execute(
                sa.select(Program.starts_on, sa.func.count(Membership.id))
                .join(Membership, Membership.program_id == Program.id)
                .where(Membership.role == Role.MENTEE, Program.leaderboard_enabled)
                .group_by(Program.starts_on)
            ).one()
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return mentees == pairs and starts_on == this_monday(now) - timedelta(weeks=WEEKS)


def describe(pairs: int, program_id: int = 1) -> Program_:
    singles = range(BIG + SMALL + SERVICE_PAIRS, pairs)
    mentor = _mentor_of(pairs)
    return Program_(
        program_id=program_id,
        big_mentor=mentor_email(0),
        small_mentor=mentor_email(1),
        mentees=[mentee_email(i) for i in singles][:64],
        mentors=[mentor_email(mentor[i]) for i in singles][:64],
    )


def summary() -> str:
    counts = {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (CheckIn, Goal, Milestone, Meeting, Kudos)
    }
    from app.models import PointsAward

    counts["awards"] = db.session.scalar(sa.select(sa.func.count()).select_from(PointsAward))
    return ", ".join(f"{count:,} {name}" for name, count in counts.items())


def _facts(pairs: int, now: datetime) -> int:
    rng = random.Random(12)
    monday0 = this_monday(now) - timedelta(weeks=WEEKS)
    opened = datetime(monday0.year, monday0.month, monday0.day, 8, tzinfo=UTC)
    program = Program(
        name="Benchmark High Mentoring",
        starts_on=monday0,
        ends_on=monday0 + timedelta(weeks=36),
        created_at=opened,
        leaderboard_enabled=True,
    )
    db.session.add(program)
    db.session.flush()
    password = hash_password(PASSWORD)
    mentor_of = _mentor_of(pairs)
    mentor_count = max(mentor_of) + 1
    people = [(COORDINATOR, "Coordinator", Role.COORDINATOR)]
    people += [(mentee_email(i), f"Mentee {i}", Role.MENTEE) for i in range(pairs)]
    people += [(mentor_email(i), f"Mentor {i}", Role.MENTOR) for i in range(mentor_count)]
    _bulk(User, [{"name": n, "email": e, "password_hash": password} for e, n, _ in people])
    users = _ids(User, len(people))
    _bulk(
        Membership,
        [
            {
                "user_id": user,
                "program_id": program.id,
                "role": role,
                "joined_at": opened,
                "agreed_at": opened,
                "agreed_version": 1,
                "leaderboard_opt_in": role is Role.MENTEE and n % 2 == 0,  # every other mentee
            }
            for n, (user, (_, _, role)) in enumerate(zip(users, people, strict=True))
        ],
    )
    members = _ids(Membership, len(people))
    mentee_users, mentor_users = users[1 : 1 + pairs], users[1 + pairs :]
    mentees, mentors = members[1 : 1 + pairs], members[1 + pairs :]
    _bulk(
        Mentorship,
        [
            {"program_id": program.id, "status": MentorshipStatus.ACTIVE, "created_at": opened}
            for _ in range(pairs)
        ],
    )
    pairs_ids = _ids(Mentorship, pairs)
    _bulk(
        MentorshipMember,
        [
            {"mentorship_id": m, "membership_id": person}
            for i, m in enumerate(pairs_ids)
            for person in (mentees[i], mentors[mentor_of[i]])
        ],
    )
    slice_ = _service_slice(pairs)
    checkins, meetings_, confirmations, who = [], [], [], []
    for i, (mentee, pair) in enumerate(zip(mentees, pairs_ids, strict=True)):
        mentor_user = mentor_users[mentor_of[i]]
        held_before = len(meetings_)
        for w in range(WEEKS):
            monday = monday0 + timedelta(weeks=w)
            in_slice_week = i in slice_ and w == WEEKS - 1
            if not in_slice_week and rng.random() < 0.8:
                checkins.append(_checkin(rng, mentee, mentor_user, monday, w, i))
            if in_slice_week:
                meetings_.append(_meeting(pair, mentor_user, monday, MeetingStatus.SCHEDULED))
            elif rng.random() < 0.4:
                status = MeetingStatus.CANCELLED if rng.random() < 0.05 else MeetingStatus.HELD
                meetings_.append(_meeting(pair, mentor_user, monday, status))
        meetings_.append(
            _meeting(
                pair, mentor_user, this_monday(now) + timedelta(weeks=1), MeetingStatus.SCHEDULED
            )
        )
        who += [(mentor_user, mentee_users[i])] * (len(meetings_) - held_before)
    _bulk(CheckIn, checkins)
    _bulk(Meeting, meetings_)
    for meeting_id, row, users_ in zip(_ids(Meeting, len(meetings_)), meetings_, who, strict=True):
        if row["status"] is MeetingStatus.HELD:
            confirmations += [
                {"meeting_id": meeting_id, "user_id": user, "at": row["held_at"]} for user in users_
            ]
    _bulk(MeetingConfirmation, confirmations)
    _goals(rng, pairs, monday0, opened, mentees, pairs_ids, mentee_users, mentor_users, mentor_of)
    _kudos(rng, program.id, pairs, now, pairs_ids, mentee_users, mentor_users, mentor_of, slice_)
    db.session.commit()
    return program.id


def _service_slice(pairs: int) -> set[int]:
    """The mentees of the mentor of 8, then the first single pairs."""
    return set(range(BIG, BIG + SMALL + SERVICE_PAIRS - SMALL))


def _checkin(rng: random.Random, mentee: int, mentor_user: int, monday: date, w: int, i: int):
    sent = datetime(monday.year, monday.month, monday.day, 17, tzinfo=UTC) + timedelta(
        days=rng.randint(0, 3)
    )
    last = w == WEEKS - 1
    help_ = last and i % 97 == 5
    answered = not help_ and rng.random() < (0.5 if last else 0.85)
    mood = rng.randint(2, 5)
    return {
        "membership_id": mentee,
        "week_key": str(week_of(monday)),
        "mood": mood,
        "progress_note": "Finished my history essay draft a day early." if w % 2 else "",
        "blocker": "Hard to focus at home in the evenings." if mood <= 2 else "",
        "wants_help": help_,
        "zone": "UTC",
        "created_at": sent,
        "updated_at": sent,
        "acknowledged_at": sent + timedelta(hours=20) if answered else None,
        "acknowledged_by_id": mentor_user if answered else None,
        "reply": "Great progress, let's look at it on Thursday." if answered and w % 3 == 0 else "",
    }


def _meeting(pair: int, mentor_user: int, monday: date, status: MeetingStatus) -> dict:
    starts = datetime(monday.year, monday.month, monday.day, 15, tzinfo=UTC) + timedelta(days=1)
    row = {
        "mentorship_id": pair,
        "starts_at": starts,
        "zone": "UTC",
        "mode": MeetingMode.IN_PERSON,
        "location": "School library",
        "status": status,
        "notes": "Talked about the study plan." if status is MeetingStatus.HELD else "",
        "created_by_id": mentor_user,
        "created_at": starts - timedelta(days=6),
        "held_at": starts + timedelta(hours=2) if status is MeetingStatus.HELD else None,
    }
    return row


def _goals(rng, pairs, monday0, opened, mentees, pairs_ids, mentee_users, mentor_users, mentor_of):
    rows, owners = [], []
    for i in range(pairs):
        for g in range(3 if rng.random() < 0.3 else 2):
            rows.append(
                {
                    "mentorship_id": pairs_ids[i],
                    "membership_id": mentees[i],
                    "title": f"Goal {g + 1}",
                    "measure": "A grade higher by the end of term",
                    "target_date": monday0 + timedelta(weeks=30),
                    "status": GoalStatus.ACTIVE,
                    "created_at": opened + timedelta(days=2),
                }
            )
            owners.append(i)
    _bulk(Goal, rows)
    goal_ids = _ids(Goal, len(rows))
    milestones, plans = [], []
    completed = []
    for goal_id, i in zip(goal_ids, owners, strict=True):
        confirmed = rng.choice((0, 1, 1, 2, 2, 3, 4)) if i < pairs else 0
        waiting = confirmed < 4 and rng.random() < 0.15
        if confirmed == 4:
            completed.append(goal_id)
        for s in range(4):
            status = (
                MilestoneStatus.CONFIRMED
                if s < confirmed
                else MilestoneStatus.WAITING
                if s == confirmed and waiting
                else MilestoneStatus.OPEN
            )
            at = opened + timedelta(weeks=1 + 2 * s, days=rng.randint(0, 4))
            milestones.append(
                {
                    "goal_id": goal_id,
                    "title": f"Step {s + 1}",
                    "position": s,
                    "status": status,
                    "submitted_at": at if status is not MilestoneStatus.OPEN else None,
                    "confirmed_at": at + timedelta(days=1)
                    if status is MilestoneStatus.CONFIRMED
                    else None,
                    "created_at": opened + timedelta(days=2),
                }
            )
            plans.append((status, at, mentee_users[i], mentor_users[mentor_of[i]]))
    _bulk(Milestone, milestones)
    events = []
    for milestone_id, (status, at, mentee, mentor) in zip(
        _ids(Milestone, len(milestones)), plans, strict=True
    ):
        events.append(
            {
                "milestone_id": milestone_id,
                "actor_id": mentee,
                "action": MilestoneAction.CREATED,
                "at": at - timedelta(weeks=1),
            }
        )
        if status is not MilestoneStatus.OPEN:
            events.append(
                {
                    "milestone_id": milestone_id,
                    "actor_id": mentee,
                    "action": MilestoneAction.SUBMITTED,
                    "at": at,
                }
            )
        if status is MilestoneStatus.CONFIRMED:
            events.append(
                {
                    "milestone_id": milestone_id,
                    "actor_id": mentor,
                    "action": MilestoneAction.CONFIRMED,
                    "at": at + timedelta(days=1),
                }
            )
    _bulk(MilestoneEvent, events)
    if completed:
        db.session.execute(
            sa.update(Goal)
            .where(Goal.id.in_(completed))
            .values(status=GoalStatus.COMPLETED, completed_at=opened + timedelta(weeks=8))
        )


def _kudos(rng, program_id, pairs, now, pairs_ids, mentee_users, mentor_users, mentor_of, slice_):
    import game

    last_month = (now.replace(day=1) - timedelta(days=1)).replace(day=20, hour=19)
    rows = []
    for i in range(pairs):
        if i in slice_ or rng.random() > 0.33:
            continue
        month = f"{last_month:%Y-%m}"
        rows.append(
            {
                "key": game.kudos_key(program_id, mentee_users[i], month),
                "mentorship_id": pairs_ids[i],
                "mentor_id": mentor_users[mentor_of[i]],
                "mentee_id": mentee_users[i],
                "month": month,
                "note": "Seven weeks of check-ins in a row, and honest ones.",
                "created_at": last_month,
            }
        )
    _bulk(Kudos, rows)


def _through_services(program_id: int, now: datetime) -> None:
    """The last finished week of the slice, action by action through the services."""
    monday = this_monday(now) - timedelta(weeks=1)
    at = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    for i in sorted(_service_slice(0)):
        mentee = db.session.scalar(sa.select(User).where(User.email == mentee_email(i)))
        mentorship = db.session.scalar(
            sa.select(Mentorship)
            .join(MentorshipMember)
            .join(Membership)
            .where(Membership.user_id == mentee.id, Mentorship.program_id == program_id)
            .options(WITH_PEOPLE)
        )
        membership = db.session.scalar(
            sa.select(Membership).where(
                Membership.user_id == mentee.id, Membership.role == Role.MENTEE
            )
        )
        mentor = next(
            m.membership.user for m in mentorship.members if m.membership.role is Role.MENTOR
        )
        meeting = db.session.scalar(
            sa.select(Meeting).where(
                Meeting.mentorship_id == mentorship.id,
                Meeting.status == MeetingStatus.SCHEDULED,
                Meeting.starts_at < at + timedelta(weeks=1),
            )
        )
        with clock.pinned(at + timedelta(days=1, hours=16)):
            meetings.confirm_met(meeting, mentee)
            meetings.confirm_met(meeting, mentor)
        with clock.pinned(at + timedelta(days=2, hours=18)):
            checkins.submit_checkin(
                membership.id,
                mentee.week_zones,
                mood=4,
                progress_note="Went to the maths drop-in twice.",
                blocker="",
                wants_help=False,
            )
        milestone = db.session.scalar(
            sa.select(Milestone)
            .join(Goal)
            .where(Goal.membership_id == membership.id, Milestone.status == MilestoneStatus.OPEN)
            .order_by(Milestone.goal_id, Milestone.position)
            .limit(1)
        )
        with clock.pinned(at + timedelta(days=2, hours=19)):
            if milestone is not None:
                goals.submit_milestone(milestone, mentee.id, "Done, see my notebook.")
        with clock.pinned(at + timedelta(days=3, hours=9)):
            checkin = db.session.scalar(
                sa.select(CheckIn).where(
                    CheckIn.membership_id == membership.id,
                    CheckIn.week_key == str(week_of(monday)),
                )
            )
            if i % 2:
                checkins.acknowledge(checkin, mentor.id, "Well done, keep going.")
            if milestone is not None and i % 3:
                goals.confirm_milestone(milestone, mentor.id)
        kudos_at = at + timedelta(days=3, hours=19)
        with clock.pinned(kudos_at):
            game_service.give_kudos(
                mentorship,
                mentor.id,
                mentee.id,
                game_service.kudos_month(mentor.time_zone),
                "Two drop-in sessions in one week: that is real effort.",
            )


def cached(
    pairs: int, now: datetime, *, rebuild_: bool = False, log=print
) -> tuple[Path, Program_]:
    """The SQLite file of a ``pairs`` program for this week, built unless it exists."""
    path = cached_path(pairs, now)
    if rebuild_ or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_suffix(".building")
        draft.unlink(missing_ok=True)
        log(f"building {pairs:,} pairs into {path} ...")
        build_into(f"sqlite:///{draft}", pairs, now, log=log)
        draft.replace(path)
    return path, describe(pairs)
