"""WSGI entry point: ``gunicorn wsgi:app`` in production; ``flask --app wsgi run`` locally."""

import gc

from app import create_app

app = create_app()

# What exists now (the modules, the app, its routes: some 230,000 objects) lives as long as the
# process. Frozen, the collector's full passes skip it: they came every hundred requests or so
# of a busy page and walked all of it, 80 ms each time (a request's p99), and they no longer
# touch the pages a preloading server shares with its forked workers.
gc.freeze()
