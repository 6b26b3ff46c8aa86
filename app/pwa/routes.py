"""The manifest and service worker are served from the root so the worker's scope is the app."""

from __future__ import annotations

from flask import current_app, send_from_directory, url_for

from . import bp


@bp.get("/manifest.webmanifest")
def manifest():
    icon = "icons/waypoint-{size}.png"
    data = {
        "name": "Waypoint",
        "short_name": "Waypoint",
        "description": "Check in, meet, and grow with your mentor.",
        "start_url": url_for("home.index"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f5f0",
        "theme_color": "#1f4e5f",
        "icons": [
            {
                "src": url_for("static", filename=icon.format(size=size)),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    response = current_app.json.response(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    response = send_from_directory(current_app.static_folder, "js/sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    return response
