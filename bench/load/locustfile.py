"""Load test of Sentier: work supervisors, social workers and coordinators at work.

Each simulated user takes one pre-authenticated session minted by bench/load/sessions.py
(password and TOTP already passed), so the figures are those of the pages, not of sign-in.
Read bench/load/run for the whole procedure; by hand:

    LOAD_SESSIONS_FILE=var/load/sessions.json .venv/bin/locust -f bench/load/locustfile.py \\
        --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8001

Every page must answer 200 and the attendance form 302 back to its session: a redirect of
a page (to sign-in or to the second factor), a 404 (an object the user cannot see), a form
refused or any other status is counted as a failure.
"""

import html
import itertools
import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task

SESSIONS_FILE = Path(os.environ.get("LOAD_SESSIONS_FILE", "var/load/sessions.json"))
if not SESSIONS_FILE.exists():
    raise SystemExit(f"{SESSIONS_FILE} is missing: run bench/load/sessions.py first.")
DATA = json.loads(SESSIONS_FILE.read_text())
URLS = DATA["urls"]
# One cycle per role: with at least as many sessions as simulated users of the role, no two
# users share a session.
IDENTITIES = {role: itertools.cycle(ids) for role, ids in DATA["roles"].items() if ids}
# Participations being marked right now: two testers never post on the same one, so the
# app's stale-version refusal (a correct answer) cannot show up as a failure.
IN_USE: set[int] = set()
# In production gunicorn sits behind the TLS proxy, which opens a connection per request
# (nginx's default upstream HTTP/1.0) so that any free worker takes the next request. A
# client keeping its connection instead stays pinned to one worker process, and races
# gunicorn's 2 s keep-alive after each think time. LOAD_KEEP_ALIVE=1 keeps connections.
KEEP_ALIVE = os.environ.get("LOAD_KEEP_ALIVE") == "1"

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_RE = re.compile(r'name="version" value="(\d*)"')
ERROR_RE = re.compile(r'class="[^"]*(?:error|alert--warning)[^"]*"[^>]*>(.*?)</', re.S)


ENVIRONMENT = None


@events.init.add_listener
def remember_environment(environment, **_kwargs):
    global ENVIRONMENT
    ENVIRONMENT = environment


@events.quit.add_listener
def write_summary(**_kwargs):
    """The final figures, once every user has stopped (locust's CSV is written each second
    and may miss the last one): LOAD_SUMMARY_FILE, read by bench/load/run."""
    path = os.environ.get("LOAD_SUMMARY_FILE")
    if not path or ENVIRONMENT is None or ENVIRONMENT.runner is None:
        return
    stats = ENVIRONMENT.runner.stats
    entries = sorted(stats.entries.values(), key=lambda e: e.name) + [stats.total]
    summary = {
        "requests": [
            {
                "name": entry.name,
                "method": entry.method,
                "requests": entry.num_requests,
                "rps": entry.total_rps,
                "p50": entry.get_response_time_percentile(0.5),
                "p95": entry.get_response_time_percentile(0.95),
                "max": entry.max_response_time,
                "errors": entry.num_failures,
            }
            for entry in entries
        ],
        "errors": [
            {"name": e.name, "method": e.method, "error": str(e.error), "count": e.occurrences}
            for e in stats.errors.values()
        ],
    }
    Path(path).write_text(json.dumps(summary, indent=1))


@events.test_start.add_listener
def check_sessions(environment, **_kwargs):
    missing = [r for r in ("supervisor", "social_worker", "coordinator") if r not in IDENTITIES]
    if missing and environment.runner is not None:
        print(f"No minted session for: {', '.join(missing)} ({SESSIONS_FILE}).")
        environment.runner.quit()


def form_error(text):
    found = ERROR_RE.search(text or "")
    if not found:
        return "form re-displayed"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())[:200]


def describe(response):
    if response.status_code == 0:  # no HTTP answer: the connection failed
        return f"no answer: {response.error!r}"[:200]
    location = response.headers.get("Location", "")
    return f"HTTP {response.status_code}{' -> ' + location if location else ''}"


class SentierUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    role = ""

    def on_start(self):
        if not KEEP_ALIVE:
            self.client.headers["Connection"] = "close"
        self.identity = next(IDENTITIES[self.role])
        domain = urlsplit(self.host).hostname
        self.client.cookies.set(
            DATA["cookie_name"], self.identity["session_key"], domain=domain, path="/"
        )

    def page(self, url, name):
        """GET a page that must render (200); returns its text, or None on failure."""
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code == 200:
                r.success()
                return r.text
            r.failure(describe(r))
            return None


class WorkSupervisor(SentierUser):
    """Opens today's sessions, then a session, and marks a participant present or absent."""

    weight = 2
    role = "supervisor"

    @task(1)
    def today(self):
        self.page(URLS["today"], "activity:today")

    @task(3)
    def take_attendance(self):
        free = [i for i in self.identity["attendance"] if i["participation"] not in IN_USE]
        if not free:
            self.today()
            return
        item = random.choice(free)
        IN_USE.add(item["participation"])
        try:
            self.mark(item)
        finally:
            IN_USE.discard(item["participation"])

    def mark(self, item):
        if self.page(item["session_url"], "activity:session") is None:
            return
        self.wait()
        form = self.page(item["attendance_url"], "activity:attendance [GET]")
        if form is None:
            return
        token, version = CSRF_RE.search(form), VERSION_RE.search(form)
        self.wait()
        status = random.choices(["present", "absent", "excused"], weights=[7, 2, 1])[0]
        data = {
            "csrfmiddlewaretoken": token.group(1) if token else "",
            "status": status,
            "hours": "",
            "pay": "",
            "pay_reason": "",
            "version": version.group(1) if version else "",
        }
        with self.client.post(
            item["attendance_url"],
            data=data,
            name="activity:attendance [POST]",
            allow_redirects=False,
            catch_response=True,
        ) as r:
            location = r.headers.get("Location", "")
            if r.status_code == 302 and location.endswith(item["session_url"]):
                r.success()
            elif r.status_code == 200:
                r.failure(f"refused: {form_error(r.text)}")
                return
            else:
                r.failure(describe(r))
                return
        # The browser follows the redirect back to the session.
        self.page(item["session_url"], "activity:session")


class SocialWorker(SentierUser):
    """Reads the list of persons, searches it, opens a file and its timeline."""

    weight = 2
    role = "social_worker"

    @task(2)
    def person_list(self):
        self.page(URLS["people_list"], "people:list")

    @task(2)
    def search(self):
        # The search is posted (the text never lands in a URL or an access log), then the
        # browser follows the redirect to the results.
        listing = self.page(URLS["people_list"], "people:list")
        token = CSRF_RE.search(listing or "")
        if token is None:
            return
        self.wait()
        term = random.choice(self.identity["searches"])
        self.client.post(
            URLS["people_list"],
            data={"csrfmiddlewaretoken": token.group(1), "q": term},
            name="people:list [POST search]",
        )

    @task(3)
    def open_file(self):
        person = random.choice(self.identity["persons"])
        if self.page(person["detail_url"], "people:detail") is None:
            return
        self.wait()
        self.page(person["timeline_url"], "pathways:timeline")


class Coordinator(SentierUser):
    """Opens the programme list, a programme's live dashboard and its funders' indicators."""

    weight = 1
    role = "coordinator"

    @task(1)
    def programmes(self):
        self.page(URLS["programmes"], "activity:programmes")

    @task(2)
    def programme_dashboard(self):
        self.page(random.choice(self.identity["programmes"]), "activity:programme")

    @task(2)
    def reporting_dashboard(self):
        self.page(random.choice(self.identity["reports"]), "reporting:dashboard")
