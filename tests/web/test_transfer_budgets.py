"""The bytes of a mentee's first visit, as served: HTML, CSS, JS and icons, each compressed
(issue 12, point 4: ≤ 60 KB in all, JS ≤ 20 KB, an htmx swap ≤ 5 KB). The same visit with
compression off is printed beside it: the bytes sent before compression."""

from __future__ import annotations

import re

from web_support import log_in

BR = {"Accept-Encoding": "br, gzip"}
ASSET = re.compile(r"""(?:href|src)="(/static/[^"#]+)""")
KB = 1024


def first_load(client) -> dict[str, int]:
    """Bytes by kind (html, css, js, icons) of the mentee home and every file it names."""
    page = client.get("/", headers=BR)
    assert page.status_code == 200
    sizes = {"html": len(page.get_data()), "css": 0, "js": 0, "icons": 0}
    for url in dict.fromkeys(ASSET.findall(client.get("/").get_data(as_text=True))):
        response = client.get(url, headers=BR)
        assert response.status_code == 200, url
        kind = url.rsplit(".", 1)[1]
        sizes[kind if kind in sizes else "icons"] += len(response.get_data())
    return sizes


def htmx_swap(client) -> int:
    response = client.get("/checkins/this-week", headers={**BR, "HX-Request": "true"})
    assert response.status_code == 200
    return len(response.get_data())


def test_the_mentee_first_load_fits_the_budget(make_app, new_client, world, capsys):
    client = new_client("mentee")
    after, swap = first_load(client), htmx_swap(client)
    plain = make_app(COMPRESS_RESPONSES=False).test_client()
    assert log_in(plain, world.email("mentee")).status_code == 303
    before, swap_before = first_load(plain), htmx_swap(plain)
    with capsys.disabled():
        print(f"\nmentee first load, uncompressed: {before} = {sum(before.values())} bytes")
        print(f"mentee first load, compressed:   {after} = {sum(after.values())} bytes")
        print(f"htmx swap (check-in form): {swap_before} bytes uncompressed, {swap} compressed")
    assert sum(after.values()) <= 60 * KB
    assert after["js"] <= 20 * KB
    assert swap <= 5 * KB
    assert sum(after.values()) < sum(before.values()) / 2, "compression is on"
