"""Influence as a scale: percentiles among the scores the viewer may see, in words."""

from __future__ import annotations

from types import SimpleNamespace

from recommendations.influence_scale import percent_below, points, reach_words, standing


def test_a_percentile_counts_the_scores_strictly_below():
    assert percent_below(5.0, [1.0, 2.0, 5.0, 9.0]) == 50
    assert percent_below(10.0, [1.0, 2.0]) == 100
    assert percent_below(0.5, [1.0, 2.0]) == 0
    assert percent_below(3.0, []) == 0


def test_the_standing_says_what_it_is_compared_with():
    words = standing(5.0, [1.0, 2.0, 3.0, 9.0, 10.0], "Bikes", who="in your network")
    assert words == "Stronger than 60% of the 5 people in your network with a score in Bikes."
    assert standing(5.0, [1.0, 2.0], "Bikes", who="in your network") == (
        "Stronger than all 2 people in your network with a score in Bikes."
    )
    assert standing(5.0, [], "Bikes", who="in your network") == (
        "Nobody else in your network has a score in Bikes yet."
    )


def test_reach_is_told_as_what_it_adds_to_the_experience():
    score = SimpleNamespace(expertise=4.0, one_hop=2.0, two_hop=2.0)
    assert (
        reach_words(score)
        == "Your friends' and their friends' attention adds 75% to your experience."
    )
    assert "no reach" in reach_words(SimpleNamespace(expertise=0.0, one_hop=0.0, two_hop=0.0))


def test_points_read_as_words():
    assert (points(1.0), points(5.5), points(6.0)) == ("1 point", "5.5 points", "6 points")
