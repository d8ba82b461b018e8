from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import ProfileForm
from accounts.selectors import profile_for


@login_not_required
def home(request):
    """The front door: what Bazaar is for visitors, a starting point for members."""
    if not request.user.is_authenticated:
        return render(request, "home_visitor.html")
    return render(request, "home_member.html", {"profile": profile_for(request.user)})


@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = profile_for(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=profile)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.profile_update(
                    user=request.user,
                    display_name=data["display_name"],
                    bio=data["bio"],
                    home_place=data["home_place"],
                    home_latitude=data["home_latitude"],
                    home_longitude=data["home_longitude"],
                    interests=data["interests"],
                    avatar=data.get("avatar"),
                    remove_avatar=data.get("remove_avatar", False),
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your profile is saved.")
                return redirect("profile_edit")
        # Reload what is stored: a refused form must not show half-applied values elsewhere.
        profile.refresh_from_db()
    else:
        form = ProfileForm(instance=profile)
    return render(request, "accounts/profile_edit.html", {"form": form, "profile": profile})
