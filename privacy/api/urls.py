from privacy.api import consent, erasure, exports

urlpatterns = [*consent.urlpatterns, *exports.urlpatterns, *erasure.urlpatterns]
