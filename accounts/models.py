"""Identity: the person who signs in (`User`, email as the login) and what they tell others
about themselves (`Profile`).

Home coordinates are stored already rounded to two decimals (about 1 km): the exact place of a
person's home never enters the database, so no later query, export or leak can reveal it.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import ClassVar

from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

HOME_PRECISION = Decimal("0.01")  # two decimals of a degree: about 1.1 km of latitude


def round_coordinate(value: Decimal | float | str | None) -> Decimal | None:
    """Round a coordinate to about 1 km; None stays None."""
    if value is None or value == "":
        return None
    return Decimal(str(value)).quantize(HOME_PRECISION, rounding=ROUND_HALF_EVEN)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        email = self.normalize_email(email).lower()
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. There is no username."""

    email = models.EmailField("email address", unique=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["id"]
        indexes = [
            # "Not an inactive account" is asked of every row people are listed from; the few
            # inactive ones are found without scanning everyone.
            models.Index(fields=["id"], condition=models.Q(is_active=False), name="user_inactive")
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def display_name(self) -> str:
        """The name others see; never the email address."""
        profile = getattr(self, "profile", None)
        if profile is not None and profile.display_name:
            return profile.display_name
        return f"Member {self.pk}"


type Viewer = User | AnonymousUser | None
"""Who is looking: a person, a visitor who is not signed in (`request.user`), or no one (a task
reading on nobody's behalf). Test `viewer is None or not viewer.is_authenticated` for a visitor."""


class Interest(models.Model):
    """Something a person declares they know or care about ("Mountain biking")."""

    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def avatar_path(instance: Profile, filename: str) -> str:
    return f"avatars/{instance.user_id}/{filename}"


class Profile(models.Model):
    """What a person chooses to tell others about themselves. One per user, made at sign-up."""

    BIO_MAX_LENGTH = 500

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(max_length=80, blank=True)
    bio = models.TextField(max_length=BIO_MAX_LENGTH, blank=True)
    avatar = models.ImageField(upload_to=avatar_path, blank=True)
    home_place = models.CharField("home town or area", max_length=120, blank=True)
    home_latitude = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    home_longitude = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    interests = models.ManyToManyField(Interest, blank=True, related_name="profiles")
    onboarded_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the person finished or skipped the welcome shown after signing up.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(home_latitude__isnull=True)
                | models.Q(home_latitude__gte=-90, home_latitude__lte=90),
                name="profile_latitude_in_range",
                violation_error_message="The latitude of home is between -90 and 90.",
            ),
            models.CheckConstraint(
                condition=models.Q(home_longitude__isnull=True)
                | models.Q(home_longitude__gte=-180, home_longitude__lte=180),
                name="profile_longitude_in_range",
                violation_error_message="The longitude of home is between -180 and 180.",
            ),
            models.CheckConstraint(
                condition=models.Q(home_latitude__isnull=True, home_longitude__isnull=True)
                | models.Q(home_latitude__isnull=False, home_longitude__isnull=False),
                name="profile_home_is_a_point",
                violation_error_message="Give both the latitude and the longitude of home, "
                "or neither.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or f"Profile of user {self.user_id}"

    def save(self, *args, **kwargs) -> None:
        self.home_latitude = round_coordinate(self.home_latitude)
        self.home_longitude = round_coordinate(self.home_longitude)
        super().save(*args, **kwargs)

    @property
    def has_home(self) -> bool:
        return self.home_latitude is not None and self.home_longitude is not None
