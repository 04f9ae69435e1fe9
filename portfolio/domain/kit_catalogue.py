"""The starter kits the programmes hand over, one per trade, as plain data.

From shared/DOMAIN.md §1 (sewing machine and fabric; canoe and nets; spades,
hoes, watering cans and seeds; pottery wheels, cutters, paddles and ribs;
goats; shop stock...) with Bamako market prices of the mid-2020s in whole
francs CFA. It seeds the catalogue once; managers maintain it afterwards, so
nothing in the code reads these prices again.
"""

from __future__ import annotations

from dataclasses import dataclass

GRAND_MARCHE = "Commerçants du Grand marché de Bamako"
QUINCAILLERIE = "Quincaillerie (Bamako ou chef-lieu de cercle)"
FORGERON = "Forgerons locaux (outils forgés)"
MARCHE_BETAIL = "Marché à bétail (Kati Dralé ou foire locale)"
GROSSISTE = "Grossiste en alimentation générale"
VETERINAIRE = "Pharmacie vétérinaire agréée"


@dataclass(frozen=True)
class SeedItem:
    name: str
    quantity: int
    unit_cost_xof: int
    supplier: str


@dataclass(frozen=True)
class SeedKit:
    sector_code: str
    name: str
    items: tuple[SeedItem, ...]

    @property
    def value_xof(self) -> int:
        return sum(item.quantity * item.unit_cost_xof for item in self.items)


def _kit(sector_code: str, name: str, *items: tuple[str, int, int, str]) -> SeedKit:
    return SeedKit(sector_code, name, tuple(SeedItem(*item) for item in items))


KITS: tuple[SeedKit, ...] = (
    _kit(
        "tailoring",
        "Kit couture",
        ("Machine à coudre à pédale", 1, 85_000, GRAND_MARCHE),
        ("Ciseaux de tailleur", 2, 3_500, GRAND_MARCHE),
        ("Mètre ruban", 2, 500, GRAND_MARCHE),
        ("Fil à coudre (bobine)", 20, 250, GRAND_MARCHE),
        ("Pagne wax (6 yards)", 10, 7_500, "Marché Rose de Bamako"),
        ("Aiguilles machine (paquet)", 5, 500, GRAND_MARCHE),
        ("Fer à repasser à charbon", 1, 6_000, FORGERON),
        ("Table de coupe", 1, 25_000, "Menuisier local"),
    ),
    _kit(
        "fishing",
        "Kit pêche (pirogue et filets)",
        ("Pirogue en bois (8 m)", 1, 400_000, "Chantier de pirogues de Mopti"),
        ("Filet maillant (nappe de 100 m)", 4, 25_000, "Marché aux poissons de Mopti"),
        ("Épervier", 1, 15_000, "Marché aux poissons de Mopti"),
        ("Pagaie", 2, 5_000, "Chantier de pirogues de Mopti"),
        ("Gilet de sauvetage", 2, 12_000, QUINCAILLERIE),
        ("Hameçons (boîte)", 3, 2_500, "Marché aux poissons de Mopti"),
    ),
    _kit(
        "market_gardening",
        "Kit maraîchage",
        ("Pelle", 2, 3_500, FORGERON),
        ("Houe (daba)", 3, 2_500, FORGERON),
        ("Râteau", 2, 2_500, QUINCAILLERIE),
        ("Arrosoir (15 l)", 4, 4_000, QUINCAILLERIE),
        ("Seau", 4, 1_500, QUINCAILLERIE),
        ("Brouette", 1, 30_000, QUINCAILLERIE),
        ("Semences d'oignon violet de Galmi (500 g)", 2, 17_500, "Semencier agréé"),
        ("Semences de tomate (sachet de 50 g)", 2, 6_000, "Semencier agréé"),
        ("Engrais NPK (sac de 50 kg)", 2, 17_500, "Coopérative agricole"),
        ("Pulvérisateur à dos (16 l)", 1, 22_000, QUINCAILLERIE),
    ),
    _kit(
        "pottery",
        "Kit poterie",
        ("Tour de potier à pied", 1, 75_000, "Atelier de menuiserie métallique"),
        ("Estèques (jeu)", 4, 1_000, "Artisans potiers"),
        ("Batte de potier (palette)", 4, 1_500, "Artisans potiers"),
        ("Fil et couteau à couper l'argile", 4, 750, FORGERON),
        ("Argile (charretée)", 3, 5_000, "Carrière d'argile locale"),
        ("Seau", 3, 1_500, QUINCAILLERIE),
        ("Bâche de séchage", 1, 7_500, GRAND_MARCHE),
    ),
    _kit(
        "livestock_fattening",
        "Kit embouche ovine et caprine",
        ("Bouc à engraisser", 4, 35_000, MARCHE_BETAIL),
        ("Bélier à engraisser", 2, 65_000, MARCHE_BETAIL),
        ("Tourteau de coton (sac de 50 kg)", 8, 9_000, "Huilerie (HUICOMA ou revendeur)"),
        ("Pierre à lécher", 4, 1_500, VETERINAIRE),
        ("Abreuvoir", 2, 5_000, QUINCAILLERIE),
        ("Déparasitant et vaccins", 1, 15_000, VETERINAIRE),
    ),
    _kit(
        "poultry",
        "Kit aviculture",
        ("Poussin chair d'un jour", 200, 600, "Couvoir agréé (Bamako)"),
        ("Aliment démarrage (sac de 50 kg)", 8, 17_500, "Provenderie"),
        ("Mangeoire", 10, 2_500, QUINCAILLERIE),
        ("Abreuvoir (5 l)", 10, 2_000, QUINCAILLERIE),
        ("Grillage (rouleau de 25 m)", 2, 20_000, QUINCAILLERIE),
        ("Vaccins et vitamines", 1, 20_000, VETERINAIRE),
    ),
    _kit(
        "shop",
        "Kit boutique (stock de démarrage)",
        ("Riz (sac de 50 kg)", 4, 20_000, GROSSISTE),
        ("Sucre (sac de 50 kg)", 2, 30_000, GROSSISTE),
        ("Huile (bidon de 20 l)", 2, 22_000, GROSSISTE),
        ("Savon (carton)", 3, 7_000, GROSSISTE),
        ("Thé vert (carton)", 1, 30_000, GROSSISTE),
        ("Pâtes alimentaires (carton)", 2, 8_000, GROSSISTE),
        ("Balance", 1, 15_000, QUINCAILLERIE),
        ("Étagère", 2, 20_000, "Menuisier local"),
    ),
    _kit(
        "soap_making",
        "Kit saponification",
        ("Soude caustique (sac de 25 kg)", 1, 25_000, QUINCAILLERIE),
        ("Beurre de karité (kg)", 20, 1_000, "Coopérative de femmes (karité)"),
        ("Huile de palme (bidon de 20 l)", 2, 20_000, GROSSISTE),
        ("Moule à savon", 10, 2_000, "Menuisier local"),
        ("Bassine", 4, 3_500, GRAND_MARCHE),
        ("Gants et lunettes de protection", 4, 2_500, QUINCAILLERIE),
    ),
    _kit(
        "metalwork",
        "Kit soudure",
        ("Poste à souder (onduleur 200 A)", 1, 150_000, QUINCAILLERIE),
        ("Meuleuse d'angle", 1, 45_000, QUINCAILLERIE),
        ("Masque de soudeur", 2, 5_000, QUINCAILLERIE),
        ("Électrodes (paquet de 5 kg)", 4, 7_500, QUINCAILLERIE),
        ("Étau", 1, 25_000, QUINCAILLERIE),
        ("Gants en cuir", 2, 2_500, QUINCAILLERIE),
        ("Fer plat et tubes (barre)", 10, 4_500, "Marché de la ferraille"),
    ),
    _kit(
        "masonry",
        "Kit maçonnerie",
        ("Truelle", 3, 2_000, QUINCAILLERIE),
        ("Taloche", 2, 2_000, QUINCAILLERIE),
        ("Niveau à bulle", 1, 6_000, QUINCAILLERIE),
        ("Fil à plomb", 1, 1_500, QUINCAILLERIE),
        ("Mètre ruban (5 m)", 1, 2_500, QUINCAILLERIE),
        ("Pelle", 2, 3_500, FORGERON),
        ("Brouette", 1, 30_000, QUINCAILLERIE),
        ("Moule à parpaings", 2, 15_000, "Atelier de soudure local"),
        ("Seau", 4, 1_500, QUINCAILLERIE),
    ),
    _kit(
        "carpentry",
        "Kit menuiserie",
        ("Scie égoïne", 2, 5_000, QUINCAILLERIE),
        ("Rabot", 1, 15_000, QUINCAILLERIE),
        ("Ciseaux à bois (jeu)", 1, 10_000, QUINCAILLERIE),
        ("Marteau", 2, 3_000, QUINCAILLERIE),
        ("Serre-joint", 4, 5_000, QUINCAILLERIE),
        ("Perceuse électrique", 1, 40_000, QUINCAILLERIE),
        ("Établi", 1, 35_000, "Menuisier local"),
        ("Planche de bois rouge", 10, 4_000, "Dépôt de bois"),
    ),
    _kit(
        "plumbing",
        "Kit plomberie",
        ("Clés à griffe (jeu)", 1, 15_000, QUINCAILLERIE),
        ("Scie à métaux", 1, 5_000, QUINCAILLERIE),
        ("Filière", 1, 35_000, QUINCAILLERIE),
        ("Coupe-tube", 1, 8_000, QUINCAILLERIE),
        ("Tube PVC (barre de 4 m)", 10, 2_500, QUINCAILLERIE),
        ("Raccords et colle PVC (lot)", 1, 15_000, QUINCAILLERIE),
        ("Caisse à outils", 1, 10_000, QUINCAILLERIE),
    ),
    _kit(
        "transport",
        "Kit transport (tricycle)",
        ("Moto-tricycle de transport (katakatani)", 1, 1_250_000, "Concessionnaire moto (Bamako)"),
        ("Casque", 2, 7_500, "Concessionnaire moto (Bamako)"),
        ("Bâche", 1, 7_500, GRAND_MARCHE),
        ("Trousse de réparation (clés, pompe)", 1, 15_000, QUINCAILLERIE),
    ),
    _kit(
        "hairdressing",
        "Kit coiffure",
        ("Casque séchoir", 1, 60_000, GRAND_MARCHE),
        ("Tondeuse électrique", 2, 15_000, GRAND_MARCHE),
        ("Fauteuil de coiffure", 1, 45_000, GRAND_MARCHE),
        ("Miroir mural", 1, 15_000, GRAND_MARCHE),
        ("Mèches et produits (stock de démarrage)", 1, 50_000, GRAND_MARCHE),
        ("Peignes et brosses (lot)", 1, 5_000, GRAND_MARCHE),
    ),
    _kit(
        "restaurant",
        "Kit restauration",
        ("Marmites en aluminium (jeu)", 1, 35_000, "Fondeurs de Bamako (marmites)"),
        ("Réchaud et bouteille de gaz (12 kg)", 1, 40_000, "Distributeur de gaz"),
        ("Assiettes et couverts (lot)", 1, 20_000, GRAND_MARCHE),
        ("Table", 2, 15_000, "Menuisier local"),
        ("Banc", 4, 7_500, "Menuisier local"),
        ("Glacière", 1, 35_000, GRAND_MARCHE),
        ("Stock de démarrage (riz, huile, condiments)", 1, 60_000, GROSSISTE),
    ),
    _kit(
        "tiling",
        "Kit carrelage",
        ("Coupe-carreaux", 1, 35_000, QUINCAILLERIE),
        ("Disqueuse", 1, 45_000, QUINCAILLERIE),
        ("Niveau à bulle", 1, 6_000, QUINCAILLERIE),
        ("Spatule crantée", 3, 2_000, QUINCAILLERIE),
        ("Maillet en caoutchouc", 2, 2_500, QUINCAILLERIE),
        ("Croisillons (sac)", 5, 1_000, QUINCAILLERIE),
        ("Genouillères", 1, 5_000, QUINCAILLERIE),
    ),
)

KIT_BY_SECTOR: dict[str, SeedKit] = {kit.sector_code: kit for kit in KITS}
