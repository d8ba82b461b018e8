from recommendations.api import influence, personal, search

urlpatterns = [*search.urlpatterns, *influence.urlpatterns, *personal.urlpatterns]
