"""Starting reference data, from shared/DOMAIN.md §1–2. An admin edits it afterwards."""

from __future__ import annotations

# Region -> communes (name, cercle) -> villages. The regions are Mali's; the
# communes are those the seed documents name, plus Bamako's six communes.
PLACES: dict[str, list[tuple[str, str | None, list[str]]]] = {
    "Kayes": [
        ("Kayes", "Kayes", ["Khasso", "Légal Ségou"]),
        ("Kita", "Kita", ["Badia", "Sébékoro"]),
        ("Bafoulabé", "Bafoulabé", ["Mahina", "Diakon"]),
        ("Kirané", "Yélimané", ["Kirané", "Kodjé"]),
        ("Yélimané", "Yélimané", ["Diongaga"]),
    ],
    "Koulikoro": [
        ("Kati", "Kati", ["Kati Malibougou", "Sanankoroba"]),
        ("Koulikoro", "Koulikoro", []),
    ],
    "Sikasso": [("Sikasso", "Sikasso", ["Kaboïla", "Natien"])],
    "Ségou": [("Ségou", "Ségou", ["Pelengana"])],
    "Mopti": [
        ("Mopti", "Mopti", ["Sévaré"]),
        ("Konna", "Mopti", ["Konna"]),
        ("Ségué-Iré", "Bandiagara", ["Ségué", "Iré"]),
    ],
    "Tombouctou": [("Tombouctou", "Tombouctou", ["Kabara"]), ("Goundam", "Goundam", [])],
    "Gao": [("Gao", "Gao", ["Sossokoira"]), ("Ansongo", "Ansongo", [])],
    "Kidal": [("Kidal", "Kidal", [])],
    "Taoudénit": [("Taoudéni", "Taoudéni", [])],
    "Ménaka": [("Ménaka", "Ménaka", [])],
    "District de Bamako": [
        ("Commune I", None, []),
        ("Commune II", None, []),
        ("Commune III", None, []),
        ("Commune IV", None, ["Lafiabougou", "Djicoroni Para"]),
        ("Commune V", None, []),
        ("Commune VI", None, []),
    ],
}

# (code, French name, English name, seasonal income)
SECTORS: list[tuple[str, str, str, bool]] = [
    ("tailoring", "Couture", "Tailoring", False),
    ("shop", "Commerce / boutique", "Trade / shop", False),
    ("livestock_fattening", "Embouche (bovins, ovins, caprins)", "Livestock fattening", True),
    ("poultry", "Aviculture", "Poultry", False),
    ("market_gardening", "Agriculture / maraîchage", "Farming / market gardening", True),
    ("fishing", "Pêche", "Fishing", True),
    ("pottery", "Poterie", "Pottery", False),
    ("soap_making", "Saponification", "Soap making", False),
    ("metalwork", "Soudure / métallurgie", "Welding / metalwork", False),
    ("masonry", "Maçonnerie", "Masonry", False),
    ("carpentry", "Menuiserie", "Carpentry", False),
    ("plumbing", "Plomberie", "Plumbing", False),
    ("transport", "Transport", "Transport", False),
    ("hairdressing", "Coiffure", "Hairdressing", False),
    ("restaurant", "Restauration", "Food stall / restaurant", False),
    ("tiling", "Carrelage", "Tiling", False),
]
