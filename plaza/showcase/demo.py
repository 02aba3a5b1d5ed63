"""Demo data for the showcase: member wineries' catalogues in member-companies, syndicated to
the public wine-lovers space, and a consumer's inquiry."""

from __future__ import annotations

from decimal import Decimal

from plaza.accounts.models import User
from plaza.showcase import actions
from plaza.spaces.access import space_access_for
from plaza.spaces.models import Space

CATALOGUE = {
    "长城酒庄 Great Wall Winery": ("chen@greatwall-winery.example", "宁夏贺兰山东麓的家族酒庄。A family winery at the foot of the Helan Mountains.",
                                "chen@greatwall-winery.example · 0951-1234567", [
        ("贺兰山赤霞珠 2019 Helan Cabernet Sauvignon", "红葡萄酒 Red", "188.00", {"产区 Region": "宁夏 Ningxia", "酒精度 ABV": "13.5%", "容量 Volume": "750 ml"}),
        ("霞多丽 2022 Chardonnay", "白葡萄酒 White", "128.00", {"产区 Region": "宁夏 Ningxia", "酒精度 ABV": "12.5%"}),
        ("桃红起泡 Rosé Brut", "起泡酒 Sparkling", "158.00", {"工艺 Method": "传统法 Traditional method"}),
    ]),
    "波尔多进口 Bordeaux Imports": ("maria@bordeaux-imports.example", "Importer of classified Bordeaux since 2008.",
                                  "maria@bordeaux-imports.example", [
        ("Château Talbot 2016", "红葡萄酒 Red", "560.00", {"Appellation": "Saint-Julien", "Grapes": "Cabernet Sauvignon, Merlot"}),
        ("Sauternes 2015, half bottle", "甜酒 Sweet", "320.00", {"Volume": "375 ml"}),
    ]),
}


def seed_showcase() -> None:
    """Precondition: the spaces demo ran (member-companies and wine-lovers are siblings)."""
    wang = User.objects.get(email="wang@wine.example")
    companies = Space.objects.get(slug="member-companies")
    lovers = Space.objects.get(slug="wine-lovers")
    admin = space_access_for(wang, companies)
    first = None
    for name, (manager_email, description, contact, products) in CATALOGUE.items():
        manager = User.objects.get(email=manager_email)
        exhibitor = actions.do_create_exhibitor(admin, name=name, description=description, contact=contact,
                                                manager_ids=[manager.pk])
        acc = space_access_for(manager, companies)
        for product_name, category, price, specs in products:
            product = actions.do_create_product(acc, exhibitor, name=product_name, category=category, price=Decimal(price),
                                                currency="CNY", specs=specs, status="published",
                                                description=f"{product_name} — {description}")
            actions.do_syndicate_product(acc, product, lovers)
            first = first or product
        actions.do_create_product(acc, exhibitor, name=f"{name} 新品 (draft)", category="红葡萄酒 Red", status="draft")
    liu = User.objects.get(email="liu@consumer.example")
    if first is not None:
        actions.do_send_inquiry(liu, first, message="请问可以团购 12 瓶吗？Can I order a case of 12?")
