"""Locust models of the people who use SMM Academy (run by bench/load.py, headless, on 127.0.0.1 only).

Learners read a module, take its quiz and open their home page; managers open the
team dashboard, a member's page and the CSV export; HR opens the candidate list
and a candidate's report. Each waits 30–90 s between actions, as a person reads.
``BENCH_THINK=0`` removes the wait (the stress figure). ``BENCH_ONLY=/path`` makes
every user request that one page in a loop (the page-vs-/healthz throughput figure).
"""

from __future__ import annotations

import json
import os
import random
import re
from urllib.parse import urlencode

import gevent
from locust import FastHttpUser, between, constant, task

PASSWORD = "bench-password-123"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
ATTEMPT = re.compile(r'name="attempt" value="([^"]+)"')
PLAN = json.loads(os.environ.get("BENCH_PLAN", "{}"))  # accounts, modules, candidate ids (bench/load.py)
THINK = os.environ.get("BENCH_THINK", "1") != "0"
ONLY = os.environ.get("BENCH_ONLY", "")
WAIT = between(30, 90) if THINK else constant(0)


def _answers(question: dict) -> dict:
    name = f"q-{question['id']}"
    if question["type"] in ("single", "multiple"):
        return {name: question["correct"]}
    if question["type"] == "truefalse":
        return {name: "true" if question["truth"] else "false"}
    if question["type"] == "text":
        return {name: question["answers"][0]}
    return {f"{name}-{i}": str(i) for i in range(question["pairs"])}


class _Person(FastHttpUser):
    abstract = True
    wait_time = WAIT
    accounts_key = ""
    _next = 0

    def on_start(self) -> None:
        accounts = PLAN[self.accounts_key]
        cls = type(self)
        self.email = accounts[cls._next % len(accounts)]
        cls._next += 1
        self.rng = random.Random(self.email)  # noqa: S311 - picking pages, not security
        page = self.client.get("/login", name="login form").text or ""
        token = TOKEN.search(page)
        self.client.post(
            "/login",
            data={"email": self.email, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
            name="login",
        )
        if THINK:
            gevent.sleep(self.rng.uniform(0, 60))  # people do not all click in the same second after a step starts


class Learner(_Person):
    """Reads a module, takes its quiz, looks at the home page."""

    weight = 8
    accounts_key = "learners"

    @task
    def study(self) -> None:
        if ONLY:
            self.client.get(ONLY, name=ONLY)
            return
        module = self.rng.choice(PLAN["modules"])
        self.client.get(module["url"], name="module")
        html = self.client.get(module["url"] + "/quiz", name="quiz form").text or ""
        attempt, token = ATTEMPT.search(html), TOKEN.search(html)
        if attempt and token:
            data = {"attempt": attempt.group(1), "csrf_token": token.group(1)}
            for question in module["questions"]:
                data.update(_answers(question))
            body = urlencode(data, doseq=True)  # a multiple-choice answer is a repeated field
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            self.client.post(module["url"] + "/quiz", data=body, headers=form, name="quiz submit")
        self.client.get("/home", name="home")


class Manager(_Person):
    """Follows the team: dashboard, one member, the CSV export."""

    weight = 1
    accounts_key = "managers"

    @task
    def follow_team(self) -> None:
        self.client.get("/team/", name="team dashboard")
        members = PLAN["members"].get(self.email) or []
        if members:
            self.client.get(f"/team/members/{self.rng.choice(members)}", name="team member")
        self.client.get("/team/export.csv", name="team export")


class HR(_Person):
    """Screens candidates: the list, then one candidate's report."""

    weight = 1
    accounts_key = "hr"

    @task
    def screen(self) -> None:
        self.client.get("/hr/", name="candidate list")
        self.client.get(f"/hr/candidates/{self.rng.choice(PLAN['candidates'])}", name="candidate report")
