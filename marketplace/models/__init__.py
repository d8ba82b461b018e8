"""The marketplace's tables, one module per concern: the catalog, listings (and watchlists),
deals between a buyer and a seller, reviews, saved searches, reports to the moderators, and the
brand side (its managers' claims and posts, fans and comments).

Import them from here (`from marketplace.models import Listing`), as from any Django app.
"""

from marketplace.models.brands import (
    BrandClaim,
    BrandComment,
    BrandOffer,
    BrandPost,
    Fan,
    OfferDismissal,
)
from marketplace.models.campaigns import (
    Campaign,
    CampaignChoice,
    CampaignEntry,
    CampaignFigure,
    CategoryInterest,
)
from marketplace.models.catalog import Brand, CatalogSuggestion, Category, ProductModel
from marketplace.models.deals import Conversation, Message, Offer, Purchase, Question, Rating
from marketplace.models.likes import Like
from marketplace.models.listings import (
    Listing,
    ListingAudience,
    ListingPhoto,
    ListingQuerySet,
    Watch,
    listing_photo_path,
)
from marketplace.models.moderation import Appeal, ModerationDecision, Report
from marketplace.models.reviews import HelpfulVote, Review, ReviewQuerySet
from marketplace.models.saved_searches import SavedSearch

__all__ = [
    "Appeal",
    "Brand",
    "BrandClaim",
    "BrandComment",
    "BrandOffer",
    "BrandPost",
    "Campaign",
    "CampaignChoice",
    "CampaignEntry",
    "CampaignFigure",
    "CatalogSuggestion",
    "CategoryInterest",
    "Category",
    "Conversation",
    "Fan",
    "HelpfulVote",
    "Like",
    "Listing",
    "ListingAudience",
    "ListingPhoto",
    "ListingQuerySet",
    "Message",
    "ModerationDecision",
    "Offer",
    "OfferDismissal",
    "ProductModel",
    "Purchase",
    "Question",
    "Rating",
    "Report",
    "Review",
    "ReviewQuerySet",
    "SavedSearch",
    "Watch",
    "listing_photo_path",
]
