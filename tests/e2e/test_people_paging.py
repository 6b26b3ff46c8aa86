"""A coordinator of a big program pages through the people list on a phone: 25 at a time,
told which ones of how many, with JavaScript (htmx swaps the list alone and the address
follows) and without (the same links load the page)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import member_states
from app.extensions import db
from app.models import Membership, Role, User

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 320, "height": 568}


def _many_people(app, program_id: int, count: int) -> None:
    with app.app_context():
        db.session.execute(
            sa.insert(User),
            [
                {
                    "name": f"Pupil {n:03d} Example",
                    "email": f"pupil-{n:03d}@test.example",
                    "password_hash": "not-a-real-hash",
                }
                for n in range(count)
            ],
        )
        users = db.session.scalars(
            sa.select(User.id).where(User.email.like("pupil-%")).order_by(User.id)
        )
        db.session.execute(
            sa.insert(Membership),
            [{"user_id": user, "program_id": program_id, "role": Role.MENTEE} for user in users],
        )
        member_states.touch(programs=[program_id])  # written in Core, like a roster import
        db.session.commit()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_people_list_pages_on_a_phone(e2e, world, app, javascript) -> None:
    _many_people(app, world.program_id, 60)
    page = e2e.log_in(world.email("coordinator"), javascript=javascript)
    page.goto(f"/programs/{world.program_id}/people")
    status = page.locator("#people-list").get_by_role("status")
    expect(status).to_contain_text("Showing 1–25 of")
    total = int(status.inner_text().rsplit(" of ", 1)[1].split()[0].replace(",", ""))
    e2e.check(page)

    page.get_by_role("link", name="Next page").first.click()
    expect(status).to_contain_text(f"Showing 26–50 of {total}")
    expect(page).to_have_url(f"{e2e.base_url}/programs/{world.program_id}/people?page=2")
    expect(page.get_by_role("link", name="Previous page").first).to_be_visible()
    expect(page.get_by_text("Page 2 of")).to_be_visible()
    if javascript:
        e2e.check(page, "12-2-people-390")
        e2e.screenshot(page, "12-2-people-320", size=SMALL_PHONE)
    else:
        e2e.check(page)

    page.get_by_role("combobox", name="Role").select_option("mentor")
    if not javascript:
        page.get_by_role("button", name="Show").click()
    expect(status).to_contain_text("Showing 1–")
    e2e.check(page)
