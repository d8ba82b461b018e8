"""The front door. Visitors see what Bazaar is for; a member sees the product itself: a search of
how their network decided, their feed, listings near home, what friends thought of what they
bought, and "Sell". An empty network or no home says what to do next instead of empty boxes."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.selectors import profile_for
from marketplace.selectors.reviews import friends_recent_reviews
from marketplace.selectors.search import search_listings
from marketplace.selectors.search_params import Sort, home_of
from social.selectors import feed_for, friend_ids

FEED_ON_HOME = 5
LISTINGS_ON_HOME = 6
REVIEWS_ON_HOME = 4


@login_not_required
@require_GET
def home(request):
    if not request.user.is_authenticated:
        return render(request, "home_visitor.html")
    viewer = request.user
    has_home = home_of(viewer) is not None
    listings = search_listings(
        viewer, sort=Sort.DISTANCE if has_home else Sort.NEWEST, page_size=LISTINGS_ON_HOME
    )
    context = {
        "profile": profile_for(viewer),
        "has_home": has_home,
        "has_friends": friend_ids(viewer).exists(),
        "posts": feed_for(viewer, limit=FEED_ON_HOME),
        "listings": listings.results,
        "reviews": friends_recent_reviews(viewer, limit=REVIEWS_ON_HOME),
    }
    return render(request, "home_member.html", context)
