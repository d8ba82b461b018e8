"""The marketplace's entries in the privacy registry."""

from __future__ import annotations

from marketplace.models import (
    Appeal,
    BrandClaim,
    BrandComment,
    BrandOffer,
    BrandPost,
    Campaign,
    CampaignEntry,
    CatalogSuggestion,
    CategoryInterest,
    Conversation,
    Fan,
    HelpfulVote,
    Like,
    Listing,
    Message,
    ModerationDecision,
    Offer,
    OfferDismissal,
    Purchase,
    Question,
    Rating,
    Report,
    Review,
    SavedSearch,
    Watch,
)
from marketplace.personal_data.brands import (
    export_brand_claims,
    export_brand_comments,
    export_brand_posts,
    export_campaign_answers,
    export_campaigns_started,
    export_category_interests,
    export_fandoms,
    export_likes,
    export_offer_dismissals,
    export_offers_made,
)
from marketplace.personal_data.content import (
    close_reports_about,
    export_catalog_suggestions,
    export_helpful_votes,
    export_moderation_decisions,
    export_reports,
    export_reports_about,
    export_reviews,
    export_saved_searches,
    export_watchlist,
    purchases_nobody_else_holds_as_buyer,
    report_retention,
    reports_about_retention,
    reviews_nobody_could_see,
    reviews_settled_first,
    sales_nobody_else_holds,
)
from marketplace.personal_data.deals import (
    export_conversations,
    export_listings,
    export_offers,
    export_purchases,
    export_questions,
    export_ratings_given,
    export_ratings_received,
    export_sales,
    listing_photo_files,
)
from marketplace.services.offers import reservations_release_for_erased
from privacy.registry import Erasure, personal_data


def register() -> None:
    personal_data(
        Listing,
        "seller",
        kind="marketplace_listings",
        export=export_listings,
        files=listing_photo_files,
        erasure=Erasure.DELETE,
        why="Your listings go, with their photos and what others did on them: questions and "
        "your answers, offers, conversations, watchlist entries. A listing you sold stays in "
        "its buyer's purchases, without you.",
    )
    personal_data(
        Question,
        "asker",
        kind="marketplace_questions",
        export=export_questions,
        erasure=Erasure.DELETE,
        why="Your questions on others' listings go, with the sellers' answers to them.",
    )
    personal_data(
        Conversation,
        "buyer",
        kind="marketplace_conversations",
        export=export_conversations,
        erasure=Erasure.DELETE,
        why="Your conversations with sellers go, their replies with them: a private "
        "conversation is between two people. The seller's record of a sale is the sale, which "
        "stays.",
    )
    personal_data(
        Message,
        "sender",
        kind="marketplace_messages",
        not_exported="Listed with their conversations: as a buyer in "
        "marketplace_conversations.json, as a seller with each listing in "
        "marketplace_listings.json.",
        erasure=Erasure.DELETE,
        why="Your messages go with their conversations.",
    )
    personal_data(
        Offer,
        "buyer",
        kind="marketplace_offers",
        export=export_offers,
        erasure=Erasure.DELETE,
        why="Your offers go. A listing reserved for you is released and its seller told; a "
        "sale already made stays with the seller.",
        before_erasure=lambda user: reservations_release_for_erased(buyer=user),
    )
    personal_data(
        Purchase,
        "buyer",
        kind="marketplace_purchases",
        export=export_purchases,
        erasure=Erasure.ANONYMISE,
        why="A purchase made here is also the seller's sale: it stays in their sales, without "
        "you. Purchases you declared yourself go.",
        retention="As long as the seller's account exists; it goes with theirs.",
        also_delete=purchases_nobody_else_holds_as_buyer,
    )
    personal_data(
        Purchase,
        "seller",
        kind="marketplace_sales",
        export=export_sales,
        erasure=Erasure.ANONYMISE,
        why="A sale is also the buyer's purchase: it stays in their purchases (their review "
        "stays verified), without you.",
        retention="As long as the buyer's account exists; it goes with theirs.",
        also_delete=sales_nobody_else_holds,
    )
    personal_data(
        Rating,
        "rater",
        kind="marketplace_ratings_given",
        export=export_ratings_given,
        erasure=Erasure.DELETE,
        why="Ratings you gave go.",
    )
    personal_data(
        Rating,
        "ratee",
        kind="marketplace_ratings_received",
        export=export_ratings_received,
        erasure=Erasure.DELETE,
        why="Ratings others gave you go.",
    )
    personal_data(
        Review,
        "author",
        kind="marketplace_reviews",
        export=export_reviews,
        erasure=Erasure.ANONYMISE,
        why="Reviews shared with everyone or with all members help others decide: they stay, "
        "without your name. Reviews shared with friends, friends of friends, circles or only "
        "you, and reviews a moderator hid, go: nobody could ever see them again.",
        retention="As long as the product's page exists; never linked to you again.",
        also_delete=reviews_nobody_could_see,
        before_erasure=reviews_settled_first,
    )
    personal_data(
        HelpfulVote,
        "voter",
        kind="marketplace_helpful_votes",
        export=export_helpful_votes,
        erasure=Erasure.DELETE,
        why="Your helpful votes go (and leave the reviews' counts).",
    )
    personal_data(
        SavedSearch,
        "owner",
        kind="marketplace_saved_searches",
        export=export_saved_searches,
        erasure=Erasure.DELETE,
        why="Your saved searches go.",
    )
    personal_data(
        Fan,
        "member",
        kind="marketplace_fan_of",
        export=export_fandoms,
        erasure=Erasure.DELETE,
        why="The brands you are a fan of: gone with you.",
    )
    personal_data(
        BrandComment,
        "author",
        kind="marketplace_brand_comments",
        export=export_brand_comments,
        erasure=Erasure.DELETE,
        why="Your comments on brand pages go.",
    )
    personal_data(
        BrandClaim,
        "member",
        kind="marketplace_brand_claims",
        export=export_brand_claims,
        erasure=Erasure.DELETE,
        why="Your requests to run a brand's page go, and with them your right to post as it.",
    )
    personal_data(
        BrandClaim,
        "decided_by",
        kind="marketplace_brand_claims_decided",
        not_exported="Which staff member decided a claim is the moderation record, not yours.",
        erasure=Erasure.ANONYMISE,
        why="Claims you decided as staff stay decided, without your name.",
        retention="As long as the claim.",
    )
    personal_data(
        BrandPost,
        "author",
        kind="marketplace_brand_posts",
        export=export_brand_posts,
        erasure=Erasure.ANONYMISE,
        why="Posts you wrote as a brand's manager are the brand's: they stay on its page, "
        "without the link to you.",
        retention="As long as the brand keeps them.",
    )
    personal_data(
        CampaignEntry,
        "member",
        kind="marketplace_feedback_answers",
        export=export_campaign_answers,
        erasure=Erasure.DELETE,
        why="Your answers to brands' feedback campaigns go (totals already shown keep their "
        "noise, never you).",
    )
    personal_data(
        Campaign,
        "created_by",
        kind="marketplace_feedback_campaigns_started",
        export=export_campaigns_started,
        erasure=Erasure.ANONYMISE,
        why="Campaigns you started as a brand's manager are the brand's: they stay, without the "
        "link to you.",
        retention="As long as the brand keeps them.",
    )
    personal_data(
        CategoryInterest,
        "member",
        kind="marketplace_category_interests",
        export=export_category_interests,
        erasure=Erasure.DELETE,
        why="The categories you asked brands to reach you about go.",
    )
    personal_data(
        OfferDismissal,
        "member",
        kind="marketplace_offers_not_interested",
        export=export_offer_dismissals,
        erasure=Erasure.DELETE,
        why="The brands' offers you said you were not interested in: forgotten with you.",
    )
    personal_data(
        BrandOffer,
        "created_by",
        kind="marketplace_brand_offers_made",
        export=export_offers_made,
        erasure=Erasure.ANONYMISE,
        why="Offers you published as a brand's manager are the brand's: they stay, without the "
        "link to you.",
        retention="Until they end, then as long as the brand keeps them.",
    )
    personal_data(
        Like,
        "owner",
        kind="marketplace_likes",
        export=export_likes,
        erasure=Erasure.DELETE,
        why="Your likes go.",
    )
    personal_data(
        Watch,
        "user",
        kind="marketplace_watchlist",
        export=export_watchlist,
        erasure=Erasure.DELETE,
        why="Your watchlist goes.",
    )
    personal_data(
        Report,
        "reporter",
        kind="marketplace_reports_made",
        export=export_reports,
        erasure=Erasure.DELETE,
        why="Reports you made go; what moderators did about them stays in the audit log, "
        "which names no one.",
    )
    personal_data(
        Report,
        "about",
        kind="marketplace_reports_about_you",
        export=export_reports_about,
        erasure=Erasure.ANONYMISE,
        why="Reports about you or your things, and their outcome, are the record of moderation "
        "decisions (appeals, repeated abuse): they stay, without the link to you, until their "
        "time is up.",
        retention=reports_about_retention,
        before_erasure=close_reports_about,
    )
    personal_data(
        Report,
        "moderator",
        kind="marketplace_reports_handled",
        not_exported="Which moderator handled a report is moderation data, not the person's.",
        erasure=Erasure.ANONYMISE,
        why="The report's outcome stays on record without the erased moderator.",
        retention=report_retention,
    )
    personal_data(
        ModerationDecision,
        "owner",
        kind="marketplace_moderation_decisions",
        export=export_moderation_decisions,
        erasure=Erasure.DELETE,
        why="What moderators hid of yours goes with it, your appeals with them.",
    )
    personal_data(
        ModerationDecision,
        "moderator",
        kind="marketplace_moderation_decisions_made",
        not_exported="Which moderator decided is moderation data, not the person's.",
        erasure=Erasure.ANONYMISE,
        why="The decision stays on its owner's record without the erased moderator.",
        retention="As long as the owner's account exists; it goes with theirs.",
    )
    personal_data(
        Appeal,
        "moderator",
        kind="marketplace_appeals_decided",
        not_exported="Which moderator decided an appeal is moderation data, not the person's.",
        erasure=Erasure.ANONYMISE,
        why="The appeal's outcome stays on its owner's record without the erased moderator.",
        retention="As long as the owner's account exists; it goes with theirs.",
    )
    personal_data(
        CatalogSuggestion,
        "suggested_by",
        kind="marketplace_catalog_suggestions",
        export=export_catalog_suggestions,
        erasure=Erasure.DELETE,
        why="The brands and models you suggested for the catalog go; one another seller names "
        "again is suggested again.",
    )
