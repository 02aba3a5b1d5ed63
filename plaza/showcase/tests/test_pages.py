"""Showcase pages: catalogue with categories and search, exhibitor page, product page with the
inquiry form."""

from __future__ import annotations

from django.test import Client

from plaza.showcase.models import Inquiry, Product


def test_demo_catalogue_is_syndicated_and_takes_inquiries(db):
    from plaza.spaces.demo import seed_demo

    assert seed_demo() is True
    visitor = Client()
    page = visitor.get("/s/wine-lovers/products/").content.decode()
    assert "Château Talbot 2016" in page and "红葡萄酒 Red" in page and "(draft)" not in page
    page = visitor.get("/s/wine-lovers/products/?q=Sauternes").content.decode()
    assert "Sauternes" in page and "Talbot" not in page
    talbot = Product.objects.get(name="Château Talbot 2016")
    page = visitor.get(f"/products/{talbot.pk}/").content.decode()
    assert "Saint-Julien" in page and 'name="contact"' in page
    r = visitor.post(f"/products/{talbot.pk}/", {"message": "Still available?", "contact": "fan@example.com"})
    assert r.status_code == 302
    assert Inquiry.objects.filter(product=talbot, contact="fan@example.com").exists()
    assert visitor.get("/s/member-companies/products/").status_code == 404

    from plaza.accounts.models import User

    maria = Client()
    maria.force_login(User.objects.get(email="maria@bordeaux-imports.example"))
    page = maria.get(f"/exhibitors/{talbot.exhibitor_id}/").content.decode()
    assert "Still available?" in page and "(draft)" in page
    inquiry = Inquiry.objects.get(contact="fan@example.com")
    maria.post(f"/exhibitors/{talbot.exhibitor_id}/", {"inquiry_id": inquiry.pk, "status": "replied", "reply": "Yes"})
    inquiry.refresh_from_db()
    assert inquiry.status == "replied" and inquiry.reply == "Yes"
