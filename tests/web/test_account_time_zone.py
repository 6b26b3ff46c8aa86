"""The account page's time zone: typed with suggestions instead of a select of every zone, any
zone found by its name or city, a message next to the field otherwise, and every zone by region
on a page of links that works without JavaScript (issue 12, point 4)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from web_support import field_error

from app.extensions import db
from app.models import User
from app.zones import COMMON, all_zones, find_zone, label, regions

INPUT = re.compile(r"<input [^>]*name=\"time_zone\"[^>]*>")


def zone_of(app, email: str) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.time_zone).where(User.email == email))


def test_the_page_suggests_the_common_zones_and_shows_the_current_one(new_client, world):
    page = new_client("mentee").get("/account").get_data(as_text=True)
    assert len(page.encode()) <= 30 * 1024, len(page.encode())
    assert '<select id="time_zone"' not in page
    field = INPUT.search(page)[0]
    assert 'list="time-zone-suggestions"' in field and 'autocomplete="off"' in field
    assert 'value="Europe/London"' in field  # the world's mentee's zone
    suggestions = re.search(r'<datalist id="time-zone-suggestions">(.*?)</datalist>', page, re.S)
    assert re.findall(r'<option value="([^"]+)">', suggestions[1]) == list(COMMON)
    assert 'href="/account/time-zones"' in page


@pytest.mark.parametrize(
    "typed, zone",
    [
        ("Europe/London", "Europe/London"),
        ("new york", "America/New_York"),
        ("  TOKYO ", "Asia/Tokyo"),
        ("america/argentina/salta", "America/Argentina/Salta"),
    ],
)
def test_a_zone_is_found_by_its_name_or_its_city(app, world, new_client, typed, zone):
    client = new_client("mentee")
    answer = client.submit("/account", {"name": "Mina Mentee", "time_zone": typed})
    assert answer.status_code == 303
    assert zone_of(app, world.email("mentee")) == zone


@pytest.mark.parametrize("typed", ["Atlantis", "", "Etc/GMT+5", "x" * 300])
def test_an_unknown_zone_gets_a_message_next_to_the_field(app, world, new_client, typed):
    client = new_client("mentee")
    answer = client.submit("/account", {"name": "Mina Mentee", "time_zone": typed})
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert field_error(page, "time_zone").startswith("That is not a time zone we know.")
    assert 'aria-invalid="true"' in INPUT.search(page)[0]
    assert zone_of(app, world.email("mentee")) == "Europe/London"


def test_regions_list_every_zone_once_and_link_back_to_the_form(new_client):
    client = new_client("mentee")
    page = client.get("/account/time-zones").get_data(as_text=True)
    linked = re.findall(r'href="/account/time-zones\?region=(\w+)"', page)
    assert linked == list(regions())
    seen = []
    for region in linked:
        listing = client.get(f"/account/time-zones?region={region}").get_data(as_text=True)
        seen += re.findall(r'href="/account\?time_zone=([^"#]+)#time_zone"', listing)
    assert sorted(z.replace("%2F", "/") for z in seen) == sorted(all_zones())
    assert client.get("/account/time-zones?region=Nowhere").status_code == 404
    europe = client.get("/account/time-zones?region=Europe").get_data(as_text=True)
    assert ">Isle of Man</a>" in europe and label("Europe/Isle_of_Man") == "Isle of Man"


def test_a_zone_picked_by_region_is_filled_in_and_saved_with_save(app, world, new_client):
    client = new_client("mentee")
    page = client.get("/account?time_zone=Asia%2FKathmandu").get_data(as_text=True)
    assert 'value="Asia/Kathmandu"' in INPUT.search(page)[0]
    assert zone_of(app, world.email("mentee")) == "Europe/London", "nothing saved by a link"
    nonsense = client.get("/account?time_zone=Nowhere").get_data(as_text=True)
    assert 'value="Europe/London"' in INPUT.search(nonsense)[0]


def test_find_zone_knows_only_whole_names_and_cities_no_other_zone_shares():
    assert find_zone("Chicago") == "America/Chicago"
    assert find_zone("utc") == "UTC"
    assert find_zone("") is None and find_zone("America") is None
    assert label("America/Argentina/Buenos_Aires") == "Argentina / Buenos Aires"


@pytest.mark.parametrize(
    "who, path",
    [
        ("anonymous", "/join/{invite_code}"),
        ("coordinator", "/programs/new"),
        ("coordinator", "/programs/{program_id}/settings"),
    ],
    ids=["sign-up", "new program", "program settings"],
)
def test_every_form_with_a_zone_types_it_with_suggestions(new_client, world, who, path):
    """The sign-up page (the first a student opens on a phone) and the program forms ship the
    same light field, not 35 KB of options."""
    url = path.format(invite_code=world.invite_code, program_id=world.program_id)
    response = new_client(who).get(url)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert len(page.encode()) <= 15 * 1024, len(page.encode())
    assert '<select id="time_zone"' not in page
    assert 'list="time-zone-suggestions"' in INPUT.search(page)[0]
    suggestions = re.search(r'<datalist id="time-zone-suggestions">(.*?)</datalist>', page, re.S)
    assert re.findall(r'<option value="([^"]+)">', suggestions[1]) == list(COMMON)


def test_sign_up_keeps_the_zone_typed_by_its_city(app, new_client, world):
    client = new_client()
    form = {
        "name": "Ana Lima",
        "email": "ana@test.example",
        "password": "a long enough passphrase",
        "time_zone": "sao paulo",
    }
    response = client.submit(f"/join/{world.invite_code}", form)
    assert response.status_code in (302, 303)
    assert zone_of(app, "ana@test.example") == "America/Sao_Paulo"
