"""WSGI entry point: `gunicorn wsgi` serves `application`."""
from app import app as application

__all__ = ["application"]
