"""The application's URLs and `/bench/minimal/`: a signed-in page that reads the session and the
member (as every signed-in page does), passes every middleware and renders a template, and asks
nothing else of the database. Its requests per second are the framework's own limit here."""

from django.http import HttpRequest, HttpResponse
from django.template import Context, Template
from django.urls import path

from config.urls import urlpatterns as application

MINIMAL = Template(
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Bazaar</title></head>"
    "<body><p>Signed in as {{ user.display_name }}.</p></body></html>"
)


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse(MINIMAL.render(Context({"user": request.user})))


urlpatterns = [path("bench/minimal/", minimal, name="bench-minimal"), *application]
