"""The installed web app: manifest, service worker, offline page and reminders (issue 18)."""
