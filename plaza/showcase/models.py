"""Showcase (展台): exhibitors' product catalogues, syndication to linked public spaces, and
inquiries from visitors to the exhibitors' managers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Exhibitor(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=120)
    logo = models.ImageField(_("logo"), upload_to="exhibitors/", blank=True)
    logo_id = models.PositiveBigIntegerField(null=True, blank=True)  # an upload (POST /uploads) claimed for it
    description = models.TextField(_("description"), blank=True, max_length=5000)
    contact = models.CharField(_("contact"), blank=True, max_length=300)
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["space", "-created", "-id"], name="exhibitor_space_created")]

    def __str__(self) -> str:
        return self.name


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Product(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="products")
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(_("category"), max_length=100)
    description = models.TextField(_("description"), blank=True, max_length=10000)
    image_ids = models.JSONField(default=list, blank=True)  # uploads (POST /uploads), in order
    specs = models.JSONField(default=dict, blank=True)  # {"产区 Region": "宁夏", ...}
    price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    status = models.CharField(max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Hidden by the space's moderators (``moderation``): seen only by the space's admins and its author.
    hidden_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["space", "status", "-created", "-id"], name="product_space_created"),
            models.Index(fields=["space", "category"], name="product_space_category"),
        ]

    def __str__(self) -> str:
        return self.name


class Syndication(models.Model):
    """A product shown in another space: a public space linked to the product's own."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")  # the target
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="syndications")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "space"], name="syndication_product_space")]
        indexes = [models.Index(fields=["space", "product"], name="syndication_space_product")]


class InquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    REPLIED = "replied", _("Replied")
    CLOSED = "closed", _("Closed")


# The declared graph the one transition function (actions.transition_inquiry) checks.
INQUIRY_GRAPH: dict[str, frozenset[str]] = {
    InquiryStatus.NEW: frozenset({InquiryStatus.REPLIED, InquiryStatus.CLOSED}),
    # A follow-up of the asker puts a replied inquiry back among the new ones.
    InquiryStatus.REPLIED: frozenset({InquiryStatus.NEW, InquiryStatus.REPLIED, InquiryStatus.CLOSED}),
    InquiryStatus.CLOSED: frozenset(),
}


class Inquiry(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")  # the product's space
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="inquiries")
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="inquiries")
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    contact = models.CharField(max_length=300, blank=True)
    message = models.TextField(max_length=5000)
    status = models.CharField(max_length=10, choices=InquiryStatus.choices, default=InquiryStatus.NEW)
    reply = models.TextField(blank=True, max_length=5000)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    replied_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["exhibitor", "-created", "-id"], name="inquiry_exhibitor_created"),
            models.Index(fields=["from_user", "-created", "-id"], name="inquiry_asker_created"),
        ]


class InquiryMessage(models.Model):
    """One turn of an inquiry's conversation after its question: a reply of the exhibitor's
    managers, or a follow-up of the asker (signed in, or through the signed link mailed to
    a signed-out asker)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_exhibitor = models.BooleanField(default=False)
    body = models.TextField(max_length=5000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["inquiry", "created", "id"], name="inquirymsg_inquiry_created")]
