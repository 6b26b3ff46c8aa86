"""A bare Flask "hello" app: the ceiling that ``load.py`` measures Waypoint's pages against.

Served by the same gunicorn settings in the same run, it shows what the machine, gunicorn and
Flask cost on their own, so a page's share of it is a figure that holds on another machine.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello"
