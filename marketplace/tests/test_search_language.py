"""The search's language: word forms, accents, synonyms and category names, alike on every
database; the price parser the search shares with the listing form; prices in one currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from config.errors import DomainError
from marketplace.search.vocabulary import query_terms, query_words, synonyms
from marketplace.search.words import normal_words, words_column
from marketplace.selectors import search as search_selectors
from marketplace.selectors.search import search_listings
from marketplace.selectors.search_params import Sort, currency_of, parse_price
from marketplace.services.listings import listing_update
from marketplace.services.money import parse_amount
from tests.factories import category, listing_for, make_listing, with_home


def titles(page) -> list[str]:
    return [listing.title for listing in page.results]


@pytest.fixture
def buyer(buyer):
    """The cast's buyer, at home in Amsterdam."""
    return with_home(buyer)


@pytest.fixture(params=["database", "portable"])
def matcher(request, monkeypatch):
    """Each search test runs with this database's matcher and with the portable one (SQLite's),
    which must find the same listings."""
    if request.param == "portable":
        monkeypatch.setattr(search_selectors, "text_matcher", lambda: search_selectors.match_words)
    return request.param


# --- The normal form, in Python (what SQLite and PostgreSQL both compare) ----------------------


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("bikes", ["bike"]),
        ("Vélos", ["velo"]),
        ("VÉLO", ["velo"]),
        ("road bikes", ["road", "bike"]),
        ("batteries", ["battery"]),
        ("glasses", ["glass"]),
        ("benches", ["bench"]),
        ("chevaux", ["cheval"]),
        ("bateaux", ["bateau"]),
        ("jeux", ["jeu"]),
        ("Kids' bikes", ["kid", "bike"]),
        ("l'étagère", ["etagere"]),
        ("Cœur", ["coeur"]),
        ("bus", ["bus"]),
        ("tennis", ["tennis"]),
        ("Trek Marlin 7", ["trek", "marlin", "7"]),
        ("e-bike", ["e", "bike"]),
    ],
)
def test_words_are_folded_and_made_singular(typed, words):
    assert normal_words(typed) == words


def test_the_words_column_holds_each_word_once_between_spaces():
    assert words_column("Bikes, bike!", None, "Vélo") == " bike velo "
    assert words_column("", None) == ""


def test_every_synonym_group_is_in_normal_form_and_names_a_seeded_category(db):
    known = synonyms()
    assert known.forms["velo"] >= {"bike", "bicycle", "cycle"}
    assert all(word == normal_words(word)[0] for word in known.forms)
    slugs = {slug for group in known.category_slugs.values() for slug in group}
    assert all(category(slug) for slug in slugs)


def test_stop_words_are_dropped_unless_nothing_else_is_left():
    assert query_words("the bikes for kids") == ["bike", "kid"]
    assert query_words("the") == ["the"]


def test_a_word_names_the_categories_of_its_name_and_of_its_synonyms(db):
    bikes, road = category("bikes"), category("road-bikes")
    [velo] = query_terms("vélos")
    assert {bikes.pk, road.pk} <= set(velo.category_ids)
    assert "bike" in velo.forms
    [road_term, bike_term] = query_terms("road bikes")
    assert road.pk in road_term.category_ids and bikes.pk not in road_term.category_ids


# --- The search, on this database and with the portable matcher --------------------------------


def test_the_migration_fills_the_words_of_listings_written_before_it(seller):
    import importlib

    from django.apps import apps

    from marketplace.models import Listing

    migration = importlib.import_module("marketplace.migrations.0013_listing_search_words")
    listing = make_listing(seller, title="Vélos d'enfant", description="Rouges", brand_name="Btwin")
    # As the rows were before migration 0012: no words (a queryset update, past the service).
    Listing.objects.filter(pk=listing.pk).update(title_words="", body_words="")

    migration.fill_words(apps, None)

    listing.refresh_from_db()
    assert (listing.title_words, listing.body_words) == (" velo enfant ", " rouge btwin ")


@pytest.fixture
def bikes_and_more(seller):
    listing_for(seller, category("road-bikes"), title="Trek road bike", description="Carbon")
    listing_for(seller, category("mountain-bikes"), title="Marlin 7", description="Hardtail")
    listing_for(seller, category("city-folding-bikes"), title="Vélo de ville", description="")
    listing_for(seller, category("furniture"), title="Bike rack", description="For two bikes")
    listing_for(seller, category("furniture"), title="Oak table", description="Solid oak")


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("bikes", {"Trek road bike", "Marlin 7", "Vélo de ville", "Bike rack"}),
        ("bike", {"Trek road bike", "Marlin 7", "Vélo de ville", "Bike rack"}),
        ("vélo", {"Trek road bike", "Marlin 7", "Vélo de ville", "Bike rack"}),
        ("velos", {"Trek road bike", "Marlin 7", "Vélo de ville", "Bike rack"}),
        ("bicycle", {"Trek road bike", "Marlin 7", "Vélo de ville", "Bike rack"}),
        ("road bikes", {"Trek road bike"}),
        ("VTT", {"Marlin 7"}),
        ("tables", {"Oak table"}),
        ("racks", {"Bike rack"}),
        ("ville", {"Vélo de ville"}),
        ("submarine", set()),
        ("!!!", set()),
    ],
)
def test_word_forms_accents_synonyms_and_categories_find_the_same_on_both_matchers(
    bikes_and_more, buyer, matcher, q, found
):
    assert set(titles(search_listings(buyer, q))) == found


def test_a_title_match_ranks_first_and_a_category_match_last(bikes_and_more, buyer, matcher):
    found = titles(search_listings(buyer, "bikes", sort=Sort.RELEVANCE))
    assert found[-1] == "Marlin 7"  # found by its category alone
    assert set(found[:3]) == {"Trek road bike", "Bike rack", "Vélo de ville"}  # in the title


def test_both_matchers_rank_alike(bikes_and_more, buyer, monkeypatch):
    queries = ["bikes", "vélo", "road bikes", "oak tables", "rack"]
    ranked = {q: titles(search_listings(buyer, q)) for q in queries}
    monkeypatch.setattr(search_selectors, "text_matcher", lambda: search_selectors.match_words)

    assert {q: titles(search_listings(buyer, q)) for q in queries} == ranked


def test_an_edited_title_is_searched_by_its_new_words(seller, buyer, matcher):
    listing = listing_for(seller, category("furniture"), title="Oak table")
    listing_update(seller=seller, listing=listing, title="Chaises en chêne")

    assert titles(search_listings(buyer, "chaise")) == ["Chaises en chêne"]
    assert titles(search_listings(buyer, "table")) == []


def test_brand_and_model_named_by_the_seller_are_searched(seller, buyer, matcher):
    make_listing(
        seller,
        title="Nice ride",
        category=category("road-bikes"),
        brand_name="Peugeot",
        audience="members",
    )
    assert titles(search_listings(buyer, "peugeot")) == ["Nice ride"]


# --- Prices: one parser, one currency ----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("89,50", "89.50"),
        ("89.50", "89.50"),
        ("1 200", "1200"),
        ("1\u202f200,50", "1200.50"),
        ("1,200.50", "1200.50"),
        ("1.200,50", "1200.50"),
        ("€ 89", "89"),
        (150, "150"),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "abc", "nan", "1e5", "Infinity", "1,2.3.4"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_the_search_reads_prices_as_the_listing_form_does():
    assert parse_price("89,50", "max_price") == Decimal("89.50")
    assert parse_price("1 200", "max_price") == Decimal("1200.00")
    assert parse_price(" ", "max_price") is None
    with pytest.raises(DomainError) as refused:
        parse_price("twelve", "max_price")
    assert refused.value.field == "max_price"


def test_price_filters_and_sorts_compare_one_currency(seller, buyer):
    furniture = category("furniture")
    listing_for(seller, furniture, title="Euro chair", price="80")
    listing_for(seller, furniture, title="Pound chair", price="50", currency="GBP")

    assert set(titles(search_listings(buyer, "chair"))) == {"Euro chair", "Pound chair"}
    assert titles(search_listings(buyer, "chair", max_price="100")) == ["Euro chair"]
    assert titles(search_listings(buyer, "chair", sort=Sort.PRICE_ASC)) == ["Euro chair"]
    pounds = search_listings(buyer, "chair", sort=Sort.PRICE_ASC, currency="gbp")
    assert titles(pounds) == ["Pound chair"]


def test_an_unknown_currency_is_refused_on_its_field(buyer):
    with pytest.raises(DomainError) as refused:
        search_listings(buyer, currency="BTC")
    assert refused.value.field == "currency"


def test_the_viewer_compares_prices_in_their_home_countrys_currency(buyer, stranger):
    profile = buyer.profile
    assert currency_of(None) == currency_of(stranger) == "EUR"
    profile.home_place = "London, United Kingdom"
    assert currency_of(buyer) == "GBP"
    profile.home_place = "Lyon, France"
    assert currency_of(buyer) == "EUR"


def test_a_saved_search_compares_its_price_in_its_owners_currency(seller, buyer):
    from marketplace.selectors.search_params import SearchCriteria
    from marketplace.services.search import saved_search_create, saved_searches_notify
    from social.models import Notification

    saved_search_create(owner=buyer, query="chair", max_price="100")
    pounds = listing_for(seller, category("furniture"), title="Pound chair", currency="GBP")
    euros = listing_for(seller, category("furniture"), title="Euro chair", price="90")

    assert saved_searches_notify(listing_id=pounds.pk) == 0
    assert saved_searches_notify(listing_id=euros.pk) == 1
    assert Notification.objects.filter(recipient=buyer).count() == 1
    assert SearchCriteria(max_price=Decimal(1)).by_price


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("1200", "EUR", "€1,200"),
        ("89.5", "GBP", "£89.50"),
        (Decimal("0"), "USD", "$0"),
        ("12.30", "", "12.30"),
        (None, "EUR", ""),
        ("not money", "EUR", ""),
    ],
)
def test_every_price_is_shown_one_way(amount, currency, shown):
    from marketplace.templatetags.money import money

    assert money(amount, currency) == shown


# --- The default order ----------------------------------------------------------------------


def test_a_member_with_a_home_sees_the_nearest_first_when_nothing_is_asked(seller, buyer):
    from tests.factories import PARIS, UTRECHT

    furniture = category("furniture")
    listing_for(seller, furniture, title="Far", at=PARIS, age_days=0)
    listing_for(seller, furniture, title="Near", at=UTRECHT, age_days=3)

    page = search_listings(buyer)
    assert page.criteria.sort == Sort.DISTANCE
    assert titles(page) == ["Near", "Far"]
    assert search_listings(buyer, "far near").criteria.sort == Sort.RELEVANCE
