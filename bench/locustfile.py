"""Members for the HTTP load run (bench/test_http_load.py), one session each, no think time.

`MinimalMember` asks for the minimal signed-in page only; `Member` asks for the everyday mix: home,
feed, market search, a listing page, the social search "bike" and notifications. The plan (which
members, their session keys, which listings they may open) comes from the JSON file named by
`BENCH_HTTP_PLAN`."""

from __future__ import annotations

import json
import os
import random
from itertools import count

from locust import FastHttpUser, constant, task

PLAN = json.loads(open(os.environ["BENCH_HTTP_PLAN"]).read())  # noqa: SIM115
_next = count()


class _SignedIn(FastHttpUser):
    abstract = True
    wait_time = constant(0)

    def on_start(self) -> None:
        member = PLAN["members"][next(_next) % len(PLAN["members"])]
        self.headers = {"Cookie": f"sessionid={member['session']}"}
        self.listings = member["listings"]

    def get(self, path: str, name: str) -> None:
        # A redirect (to sign in) is a failure too: every page must answer the member itself.
        with self.client.get(
            path, headers=self.headers, name=name, catch_response=True, allow_redirects=False
        ) as got:
            if got.status_code != 200:
                got.failure(f"{got.status_code} for {path}")


class MinimalMember(_SignedIn):
    @task
    def minimal(self) -> None:
        self.get("/bench/minimal/", "minimal signed-in page")


class Member(_SignedIn):
    @task(3)
    def home(self) -> None:
        self.get("/", "home")

    @task(3)
    def feed(self) -> None:
        self.get("/feed/", "feed")

    @task(2)
    def market_search(self) -> None:
        words = random.choice(PLAN["words"])
        self.get(f"/market/search/?q={words}&radius_km=25", "market search")

    @task(2)
    def listing(self) -> None:
        if self.listings:
            self.get(f"/market/listings/{random.choice(self.listings)}/", "listing page")

    @task(1)
    def social_search(self) -> None:
        self.get("/discover/search/?q=bike", "social search bike")

    @task(1)
    def notifications(self) -> None:
        self.get("/notifications/", "notifications")
