"""The outbox delivered through the queue to a real (loopback) push service: every answer a
push service can give, quiet hours and the daily cap, and no nudge sent twice."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app import clock, create_app, queue
from app.extensions import db
from app.models import NotificationSettings, Nudge, NudgeStatus, PushSubscription, User
from app.nudges import delivery, outbox, tasks
from game.nudges import DAILY_CAP, NudgeKind

SHARED_SETTINGS = ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "ARGON2_PARAMETERS")
NOON_IN_LONDON = datetime(2026, 3, 11, 12, 0, tzinfo=UTC)  # a Wednesday; the world is in London


@pytest.fixture(autouse=True)
def daytime():
    clock.set_now(NOON_IN_LONDON)
    yield
    clock.set_now(None)


@pytest.fixture(autouse=True)
def short_timeouts(monkeypatch):
    """A hanging push service is given up on after a second, not ten."""
    monkeypatch.setattr(delivery, "TIMEOUT", (1.0, 1.0))


def _mentee_id() -> int:
    return db.session.scalar(sa.select(User.id).where(User.email.like("mentee%")))


def _device(user_id: int, subscription) -> int:
    row = PushSubscription(
        user_id=user_id,
        endpoint=subscription.endpoint,
        p256dh=subscription.p256dh,
        auth=subscription.auth,
        device="Chrome on Android",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def _nudge(user_id: int, key: str = "help:1", kind: NudgeKind = NudgeKind.HELP_REQUESTED):
    outbox.queue_nudge(
        user_id, kind, key, title="Sam asked for help", body="Open Waypoint", url="/checkins/7"
    )
    db.session.commit()


def _status(key: str = "help:1") -> Nudge:
    db.session.expire_all()
    return db.session.scalar(sa.select(Nudge).where(Nudge.dedupe_key == key))


def _scheduled() -> list:
    """Tasks to run later: still in the queue with their time, or already in its schedule."""
    return [task for task in queue.huey.pending() + queue.huey.scheduled() if task.eta]


def _run_scheduled(app, run_tasks) -> int:
    """Run the retries the queue holds for later, as if their time had come."""
    waiting = _scheduled()
    queue.huey.storage.flush_queue()
    queue.huey.storage.flush_schedule()
    for task in waiting:
        task.eta = None
        queue.huey.enqueue(task)
    return run_tasks(app)


def _real_utc_now() -> datetime:
    """The queue schedules by the real clock, in naive UTC (the app's clock is pinned)."""
    return datetime.now(UTC).replace(tzinfo=None)


def test_a_nudge_reaches_each_device_of_its_person_once(app, world, push_service, run_tasks):
    phone, laptop = push_service.subscription(), push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        _device(mentee, laptop)
        _nudge(mentee)
    assert run_tasks(app) == 1
    for device in (phone, laptop):
        (message,) = push_service.received_by(device)
        assert message.payload == {
            "title": "Sam asked for help",
            "body": "Open Waypoint",
            "url": "/checkins/7",
            "tag": "help_requested:/checkins/7",
        }
        assert message.urgency == "high" and message.ttl == 2 * 24 * 3600
        assert message.topic and len(message.topic) <= 32
    with app.app_context():
        nudge = _status()
        assert nudge.status == NudgeStatus.SENT and nudge.sent_at == NOON_IN_LONDON
        successes = db.session.scalars(sa.select(PushSubscription.last_success_at)).all()
        assert successes == [NOON_IN_LONDON, NOON_IN_LONDON]
        tasks.sweep_outbox.call_local()
    assert run_tasks(app) == 0
    assert len(push_service.received) == 2, "the sweep sends nothing already sent"


def test_nudges_about_different_pages_do_not_replace_each_other(
    app, world, push_service, run_tasks
):
    """Two mentees asking for help are two notifications; two reminders of one meeting, one."""
    phone = push_service.subscription()
    with app.app_context():
        mentor = _mentee_id()
        _device(mentor, phone)
        for key, kind, url in [
            ("help:1", NudgeKind.HELP_REQUESTED, "/mentorships/1/checkins"),
            ("help:2", NudgeKind.HELP_REQUESTED, "/mentorships/2/checkins"),
            ("meeting-tomorrow:5", NudgeKind.MEETING_REMINDER, "/meetings/5"),
            ("meeting-soon:5", NudgeKind.MEETING_REMINDER, "/meetings/5"),
        ]:
            outbox.queue_nudge(mentor, kind, key, title="T", body="B", url=url)
        db.session.commit()
    run_tasks(app)
    tags = [message.payload["tag"] for message in push_service.received_by(phone)]
    assert len(tags) == 4 and len(set(tags)) == 3


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_forgot_is_deleted(app, world, push_service, run_tasks, status):
    gone, kept = push_service.subscription(), push_service.subscription()
    push_service.respond_with(status, subscription=gone)
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, gone)
        kept_id = _device(mentee, kept)
        _nudge(mentee)
    run_tasks(app)
    with app.app_context():
        assert db.session.scalars(sa.select(PushSubscription.id)).all() == [kept_id]
        assert _status().status == NudgeStatus.SENT
    assert len(push_service.received_by(kept)) == 1


def test_with_every_device_gone_the_nudge_is_dropped(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    push_service.unsubscribe(phone)
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
    run_tasks(app)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
        nudge = _status()
        assert nudge.status == NudgeStatus.DROPPED
        assert nudge.outcome == "no device could be reached"


def test_retry_after_is_honoured_and_only_the_waiting_device_is_tried_again(
    app, world, push_service, run_tasks
):
    busy, fine = push_service.subscription(), push_service.subscription()
    push_service.respond_with(429, retry_after=120, subscription=busy, times=1)
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, busy)
        _device(mentee, fine)
        _nudge(mentee)
    before = _real_utc_now()
    run_tasks(app)
    assert len(push_service.received_by(fine)) == 1
    assert push_service.received_by(busy) == []
    (retry,) = _scheduled()
    assert before + timedelta(seconds=120) <= retry.eta <= _real_utc_now() + timedelta(seconds=121)
    with app.app_context():
        assert _status().status == NudgeStatus.SENDING, "still claimed while a retry waits"
    assert _run_scheduled(app, run_tasks) == 1
    assert len(push_service.received_by(busy)) == 1
    assert len(push_service.received_by(fine)) == 1, "the device that had it is not sent it again"
    with app.app_context():
        nudge = _status()
        assert nudge.status == NudgeStatus.SENT and nudge.attempts == 2


def test_a_retry_is_not_sent_once_the_person_switched_the_kind_off(
    app, world, push_service, run_tasks
):
    phone = push_service.subscription()
    push_service.respond_with(429, retry_after=60)
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        _nudge(mentee)
    run_tasks(app)
    with app.app_context():
        db.session.add(
            NotificationSettings(user_id=mentee, muted_kinds=[NudgeKind.HELP_REQUESTED.value])
        )
        db.session.commit()
    push_service.respond_with(201)
    assert _run_scheduled(app, run_tasks) == 1
    assert push_service.received == []
    with app.app_context():
        assert _status().status == NudgeStatus.DROPPED


def test_a_push_service_that_keeps_failing_is_given_up_on(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    push_service.respond_with(500)
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
    run_tasks(app)
    for _ in range(delivery.MAX_ATTEMPTS - 1):
        assert _run_scheduled(app, run_tasks) == 1
    assert _scheduled() == []
    assert push_service.attempts[phone.id] == delivery.MAX_ATTEMPTS
    with app.app_context():
        nudge = _status()
        assert nudge.status == NudgeStatus.DROPPED and nudge.attempts == delivery.MAX_ATTEMPTS
        assert db.session.scalar(sa.select(PushSubscription.failures)) == 0, (
            "a service's outage is not the device's fault: it stays subscribed"
        )


@pytest.mark.parametrize("status", [400, 413, 401, 403])
def test_a_refused_message_is_not_retried(app, world, push_service, run_tasks, status):
    phone = push_service.subscription()
    push_service.respond_with(status)
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
    run_tasks(app)
    assert _scheduled() == []
    with app.app_context():
        assert _status().status == NudgeStatus.DROPPED
        assert db.session.scalar(sa.select(PushSubscription.failures)) == 1


def test_a_hanging_push_service_is_given_up_on_and_tried_later(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    push_service.respond_with(hang=True, times=1)
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
    run_tasks(app)
    assert len(_scheduled()) == 1
    assert _run_scheduled(app, run_tasks) == 1
    assert len(push_service.received_by(phone)) == 1


def test_a_push_service_that_does_not_answer_costs_one_timeout_per_batch(
    app, world, push_service, run_tasks
):
    """Three people's phones on one hanging service: one request waits out the timeout, the
    other two are not even tried, and all three are retried later."""
    phones = [push_service.subscription() for _ in range(3)]
    push_service.respond_with(hang=True, times=1)
    with app.app_context():
        people = db.session.scalars(sa.select(User.id).order_by(User.id).limit(3)).all()
        for user_id, phone in zip(people, phones, strict=True):
            _device(user_id, phone)
        for user_id in people:  # one transaction: one batch
            outbox.queue_nudge(
                user_id, NudgeKind.TEST, f"test:{user_id}", title="T", body="B", url="/"
            )
        db.session.commit()
    assert run_tasks(app) == 1
    assert sum(push_service.attempts.values()) == 1
    assert len(_scheduled()) == 3
    assert _run_scheduled(app, run_tasks) == 3
    assert sorted(len(push_service.received_by(phone)) for phone in phones) == [1, 1, 1]


def test_a_request_never_waits_for_the_push_service(app, world, push_service, login, run_tasks):
    """While the push service hangs, asking for help in a check-in answers at once: the
    request only writes the outbox row; the queue does the sending."""
    phone = push_service.subscription()
    push_service.respond_with(hang=True)
    with app.app_context():
        mentor = db.session.scalar(sa.select(User.id).where(User.email.like("mentor%")))
        _device(mentor, phone)
    client = login("mentee")
    response = client.submit("/checkins/help")
    assert response.status_code == 303
    assert push_service.attempts == {}, "the request made no push request at all"
    with app.app_context():
        assert db.session.scalar(sa.select(Nudge.kind)) == NudgeKind.HELP_REQUESTED.value


def test_a_muted_kind_is_dropped_unsent(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        db.session.add(
            NotificationSettings(user_id=mentee, muted_kinds=[NudgeKind.HELP_REQUESTED.value])
        )
        _nudge(mentee)
    run_tasks(app)
    assert push_service.received == []
    with app.app_context():
        assert _status().outcome == "switched off by the person"


def test_quiet_hours_delay_a_nudge_to_their_end(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    late_evening = datetime(2026, 3, 11, 22, 30, tzinfo=UTC)
    clock.set_now(late_evening)
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
    run_tasks(app)
    assert push_service.received == []
    with app.app_context():
        nudge = _status()
        assert nudge.status == NudgeStatus.PENDING
        assert nudge.due_at == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)  # 08:00 in London
    clock.set_now(datetime(2026, 3, 12, 8, 1, tzinfo=UTC))
    with app.app_context():
        tasks.sweep_outbox.call_local()
    run_tasks(app)
    assert len(push_service.received_by(phone)) == 1


def test_the_daily_cap_holds_back_what_is_over_it(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        for number in range(DAILY_CAP + 1):
            _nudge(mentee, f"kudos:{number}", NudgeKind.KUDOS)
            run_tasks(app)
    assert len(push_service.received) == DAILY_CAP
    with app.app_context():
        held = _status(f"kudos:{DAILY_CAP}")
        assert held.status == NudgeStatus.PENDING and held.due_at > NOON_IN_LONDON


def test_the_daily_cap_holds_within_one_batch(app, world, push_service, run_tasks):
    """Nudges for one person written together reach the consumer in one task."""
    phone = push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        for number in range(DAILY_CAP + 2):
            outbox.queue_nudge(
                mentee, NudgeKind.KUDOS, f"kudos:{number}", title="Kudos", body="Hi", url="/"
            )
        outbox.queue_nudge(mentee, NudgeKind.HELP_REQUESTED, "help:1", title="H", body="", url="/")
        db.session.commit()
    assert run_tasks(app) == 1
    assert len(push_service.received) == DAILY_CAP + 1, "the cap, and the uncapped help request"
    with app.app_context():
        held = [_status(f"kudos:{number}") for number in (DAILY_CAP, DAILY_CAP + 1)]
        assert {nudge.status for nudge in held} == {NudgeStatus.PENDING}


def test_the_daily_cap_counts_nudges_still_retrying_some_devices(
    app, world, push_service, run_tasks
):
    """Nudges that reached one device while another is still to be retried count too."""
    phone = push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        for number in range(DAILY_CAP):
            db.session.add(
                Nudge(
                    user_id=mentee,
                    kind=NudgeKind.KUDOS.value,
                    dedupe_key=f"kudos:earlier:{number}",
                    title="Kudos",
                    body="Well done",
                    url="/",
                    status=NudgeStatus.SENDING,
                    sent_at=NOON_IN_LONDON - timedelta(hours=1),
                )
            )
        db.session.commit()
        _nudge(mentee, "kudos:now", NudgeKind.KUDOS)
    run_tasks(app)
    assert push_service.received == []
    with app.app_context():
        assert _status("kudos:now").status == NudgeStatus.PENDING


def test_a_lost_hand_over_is_recovered_by_the_sweep(
    app, world, push_service, run_tasks, monkeypatch
):
    """A crash between commit and enqueue: the row is there, no task is; the sweep sends it."""
    phone = push_service.subscription()
    with app.app_context():
        _device(_mentee_id(), phone)
    monkeypatch.setattr(queue.huey.storage, "enqueue", _refuse)
    with app.app_context():
        _nudge(_mentee_id())
    monkeypatch.undo()
    assert queue.huey.pending_count() == 0
    with app.app_context():
        tasks.sweep_outbox.call_local()
    assert run_tasks(app) == 1
    assert len(push_service.received_by(phone)) == 1


def test_a_nudge_found_after_its_time_to_live_is_dropped_unsent(
    app, world, push_service, run_tasks
):
    """The consumer was down: a backlog of reminders for moments long past is not sent."""
    phone = push_service.subscription()
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id(), "meeting-soon:1", NudgeKind.MEETING_REMINDER)
        _nudge(_mentee_id(), "help:1")
    queue.huey.flush()  # the hand-overs were lost with the consumer
    clock.set_now(NOON_IN_LONDON + timedelta(hours=2))
    with app.app_context():
        tasks.sweep_outbox.call_local()
    run_tasks(app)
    assert [m.payload["url"] for m in push_service.received] == ["/checkins/7"]
    with app.app_context():
        late = _status("meeting-soon:1")
        assert (late.status, late.outcome) == (NudgeStatus.DROPPED, "too late to be of use")


def test_a_claim_left_by_a_consumer_that_died_is_taken_back(app, world, push_service, run_tasks):
    phone = push_service.subscription()
    with app.app_context():
        _device(_mentee_id(), phone)
        _nudge(_mentee_id())
        assert delivery.claim(None, limit=10) != []  # …and then the consumer died
        tasks.sweep_outbox.call_local()
    queue.huey.flush()  # the first hand-over's task went down with it
    assert push_service.received == []
    clock.set_now(NOON_IN_LONDON + delivery.STALE_CLAIM + timedelta(seconds=1))
    with app.app_context():
        tasks.sweep_outbox.call_local()
    run_tasks(app)
    assert len(push_service.received_by(phone)) == 1


def test_two_consumers_racing_for_one_outbox_send_each_nudge_once(app, world, push_service):
    """Two threads (two connections) deliver the same 40 ids at the same moment."""
    phone = push_service.subscription()
    with app.app_context():
        mentee = _mentee_id()
        _device(mentee, phone)
        db.session.add(NotificationSettings(user_id=mentee, quiet_start=time(0), quiet_end=time(0)))
        for number in range(40):
            outbox.queue_nudge(
                mentee, NudgeKind.TEST, f"test:{number}", title="Test", body="Hi", url="/"
            )
        db.session.commit()
        ids = db.session.scalars(sa.select(Nudge.id)).all()
    queue.huey.flush()
    start = threading.Barrier(2)

    def consume(consumer_app):
        with consumer_app.app_context():
            start.wait()
            tasks.deliver_nudges.call_local(ids)
            db.session.remove()

    second = create_app({key: app.config[key] for key in SHARED_SETTINGS})
    consumers = [threading.Thread(target=consume, args=(a,)) for a in (app, second)]
    for consumer in consumers:
        consumer.start()
    for consumer in consumers:
        consumer.join(timeout=60)
    with second.app_context():
        db.engine.dispose()
    topics = [message.topic for message in push_service.received]
    assert len(topics) == 40 and len(set(topics)) == 40


def _refuse(*_args, **_kwargs):
    raise ConnectionError("queue down")
