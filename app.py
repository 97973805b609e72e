"""Entry point: ``flask --app app run`` and ``gunicorn app:app``."""

from smmacademy import create_app

app = create_app()
