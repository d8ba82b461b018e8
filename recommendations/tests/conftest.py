"""The social search tests' world: Vera's network."""

from __future__ import annotations

import pytest

from privacy.purposes import Scope
from social.services import blocks
from tests.factories import bike, consent, friends, make_purchase, person, talk


@pytest.fixture
def world(db):
    """Vera's network. Friends f1..f5 all talked about bikes; f1..f4 consent and bought (three
    mountain bikes, two of them Treks, one road bike); f5 bought a Trek without consenting.
    Friends of friends (through f1): g1..g3 consent and bought mountain Treks, g4 consents for
    friends only, g5 never consented, b2 consents but blocked Vera."""
    vera = person("Vera Viewer")
    f = {n: person(f"Friend {n}") for n in range(1, 6)}
    g = {n: person(f"Fof {n}") for n in range(1, 6)}
    b2 = person("Blocking Fof")
    friends(vera, *f.values())
    friends(f[1], *g.values(), b2)
    marlin, fuel = bike("Marlin 7"), bike("Fuel EX")
    rockhopper = bike("Rockhopper", brand="Specialized")
    domane = bike("Domane", brand="Trek", kind="road-bikes")
    for n, product in {1: marlin, 2: fuel, 3: rockhopper, 4: domane, 5: marlin}.items():
        talk(f[n])
        make_purchase(f[n], product)
        if n != 5:
            consent(f[n])
    for n in (1, 2, 3, 4, 5):
        make_purchase(g[n], marlin)
    for n in (1, 2, 3):
        consent(g[n])
    consent(g[4], Scope.FRIENDS)
    talk(g[1])
    talk(g[2])
    make_purchase(b2, marlin)
    consent(b2)
    blocks.block_create(blocker=b2, blocked=vera)
    return {"vera": vera, "f": f, "g": g, "b2": b2, "marlin": marlin, "domane": domane}
