"""Reference data and a realistic synthetic portfolio for demos and benchmarks.

Proportions follow shared/DOMAIN.md §2: a Sida/IOM-like programme in the
north (conflict-displaced, 53 % women) and an EU-IOM-like one for assisted
and forced returns (mostly young men).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa

from portfolio.domain.reference_data import PLACES, SECTORS
from portfolio.domain.vocabulary import (
    EnterpriseKind,
    EnterpriseStatus,
    MemberRole,
    ProgrammeStatus,
    ReturnKind,
    Role,
    Sex,
)
from portfolio.models import (
    Beneficiary,
    Commune,
    Enterprise,
    EnterpriseMember,
    Lender,
    LoanProduct,
    Programme,
    Region,
    Sector,
    User,
    Village,
    db,
)
from portfolio.models.base import utcnow
from portfolio.services.unit_of_work import unit_of_work
from portfolio.services.users import create_user

WOMEN_NAMES = [
    "Aminata",
    "Fatoumata",
    "Kadiatou",
    "Mariam",
    "Awa",
    "Hawa",
    "Oumou",
    "Djeneba",
    "Fanta",
    "Assitan",
    "Rokia",
    "Salimata",
    "Bintou",
    "Nana",
    "Korotoumou",
    "Aïssata",
]
MEN_NAMES = [
    "Moussa",
    "Mamadou",
    "Oumar",
    "Ibrahim",
    "Adama",
    "Seydou",
    "Bakary",
    "Salif",
    "Boubacar",
    "Sékou",
    "Drissa",
    "Modibo",
    "Issa",
    "Souleymane",
    "Abdoulaye",
    "Youssouf",
    "Aliou",
    "Lassana",
    "Mahamadou",
    "Cheick",
    "Bourama",
    "Siaka",
]
FAMILY_NAMES = [
    "Traoré",
    "Diarra",
    "Coulibaly",
    "Keïta",
    "Konaté",
    "Sissoko",
    "Diallo",
    "Touré",
    "Cissé",
    "Sangaré",
    "Dembélé",
    "Camara",
    "Doumbia",
    "Kanté",
    "Maïga",
    "Sidibé",
    "Koné",
    "Fofana",
    "Bagayoko",
    "Dicko",
    "Samaké",
    "Tounkara",
    "Soumaré",
    "Niaré",
]
COUNTRIES = [
    "Côte d'Ivoire",
    "Algérie",
    "Libye",
    "Niger",
    "Mauritanie",
    "Congo",
    "Gabon",
    "Guinée équatoriale",
    "Angola",
    "Espagne",
    "France",
    "Maroc",
]
BUSINESS_WORDS = {
    "tailoring": "Atelier de couture",
    "shop": "Boutique",
    "livestock_fattening": "Embouche",
    "poultry": "Ferme avicole",
    "market_gardening": "Jardin maraîcher",
    "fishing": "Pêcherie",
    "pottery": "Poterie",
    "soap_making": "Savonnerie",
    "metalwork": "Soudure",
    "masonry": "Maçonnerie",
    "carpentry": "Menuiserie",
    "plumbing": "Plomberie",
    "transport": "Transport",
    "hairdressing": "Salon de coiffure",
    "restaurant": "Restaurant",
    "tiling": "Carrelage",
}
CHUNK = 5_000


@dataclass(frozen=True)
class DemoProgramme:
    code: str
    name: str
    donor: str
    budget_xof: int
    starts_on: date
    regions: tuple[str, ...]
    women_share: float
    return_kinds: tuple[ReturnKind, ...]
    weight: float


PROGRAMMES = (
    DemoProgramme(
        "SIDA-OIM-2014",
        "Relèvement des moyens d'existence au Nord",
        "Sida / OIM",
        1_500_000_000,
        date(2014, 1, 1),
        ("Gao", "Tombouctou", "Mopti"),
        0.53,
        (ReturnKind.CONFLICT_DISPLACED,),
        0.3,
    ),
    DemoProgramme(
        "UE-OIM-2017",
        "Initiative conjointe UE-OIM Mali",
        "Fonds fiduciaire UE",
        4_000_000_000,
        date(2017, 5, 1),
        ("Kayes", "Koulikoro", "District de Bamako", "Sikasso", "Ségou"),
        0.06,
        (ReturnKind.ASSISTED_VOLUNTARY, ReturnKind.EXPELLED, ReturnKind.TURNED_BACK),
        0.55,
    ),
    DemoProgramme(
        "AME-2026",
        "Réinsertion des expulsés",
        "Association Malienne des Expulsés",
        250_000_000,
        date(2026, 1, 1),
        ("District de Bamako", "Kayes"),
        0.2,
        (ReturnKind.EXPELLED, ReturnKind.TURNED_BACK),
        0.15,
    ),
)


def seed_reference_data() -> None:
    """Places and sectors from DOMAIN.md, added only where missing (safe to run twice)."""
    with unit_of_work() as session:
        regions = {r.name: r for r in session.scalars(sa.select(Region))}
        for region_name, communes in PLACES.items():
            region = regions.get(region_name) or Region(name=region_name)
            session.add(region)
            known = {c.name: c for c in region.communes}
            for commune_name, cercle, villages in communes:
                commune = known.get(commune_name)
                if commune is None:
                    commune = Commune(name=commune_name, cercle=cercle)
                    region.communes.append(commune)
                names = {v.name for v in commune.villages}
                commune.villages.extend(Village(name=v) for v in villages if v not in names)
        codes = set(session.scalars(sa.select(Sector.code)))
        session.add_all(
            Sector(code=code, name_fr=fr, name_en=en, seasonal=seasonal)
            for code, fr, en, seasonal in SECTORS
            if code not in codes
        )


def next_enterprise_id() -> int:
    return _next_id(Enterprise)


def is_empty() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Programme.id))) == 0


def seed_programmes() -> dict[str, Programme]:
    with unit_of_work() as session:
        existing = {p.code: p for p in session.scalars(sa.select(Programme))}
        for spec in PROGRAMMES:
            if spec.code not in existing:
                existing[spec.code] = Programme(
                    code=spec.code,
                    name=spec.name,
                    donor=spec.donor,
                    currency="XOF",
                    budget_xof=spec.budget_xof,
                    starts_on=spec.starts_on,
                    status=ProgrammeStatus.ACTIVE,
                )
                session.add(existing[spec.code])
    return existing


def seed_portfolio(
    enterprises: int, seed: int = 2026, progress: Callable[[int], None] | None = None
) -> int:
    """Add `enterprises` businesses with their returnees, in bulk. Returns beneficiaries added."""
    seed_reference_data()
    programmes = seed_programmes()
    rng = random.Random(seed)
    communes_by_region: dict[str, list[tuple[int, list[int]]]] = {}
    rows = db.session.execute(
        sa.select(Region.name, Commune.id, Village.id.label("village_id"))
        .join(Commune, Commune.region_id == Region.id)
        .outerjoin(Village, Village.commune_id == Commune.id)
    )
    places: dict[tuple[str, int], list[int]] = {}
    for region_name, commune_id, village_id in rows:
        villages = places.setdefault((region_name, commune_id), [])
        if village_id is not None:
            villages.append(village_id)
    for (region_name, commune_id), villages in places.items():
        communes_by_region.setdefault(region_name, []).append((commune_id, villages))
    sectors = db.session.execute(sa.select(Sector.id, Sector.code)).all()
    weights = [p.weight for p in PROGRAMMES]
    today = date.today()
    now = utcnow()
    added = 0
    done = 0
    while done < enterprises:
        size = min(CHUNK, enterprises - done)
        people: list[dict] = []
        businesses: list[dict] = []
        teams: list[int] = []  # members per enterprise, in order
        for _ in range(size):
            spec = rng.choices(PROGRAMMES, weights)[0]
            region = rng.choice([r for r in spec.regions if r in communes_by_region])
            commune_id, villages = rng.choice(communes_by_region[region])
            village_id = rng.choice(villages) if villages and rng.random() < 0.6 else None
            collective = rng.random() < 0.15
            team = rng.randint(3, 12) if collective else 1
            started = spec.starts_on + timedelta(
                days=rng.randint(60, max(61, (today - spec.starts_on).days - 30))
            )
            for _member in range(team):
                people.append(
                    _person(
                        rng, spec, programmes[spec.code].id, commune_id, village_id, started, today
                    )
                )
            sector_id, sector_code = rng.choice(sectors)
            status = rng.choices(list(EnterpriseStatus), [0.08, 0.72, 0.08, 0.12])[0]
            businesses.append(
                {
                    "programme_id": programmes[spec.code].id,
                    "name": f"{BUSINESS_WORDS.get(sector_code, 'Entreprise')} "
                    f"{people[-team]['last_name']}",
                    "sector_id": sector_id,
                    "commune_id": commune_id,
                    "village_id": village_id,
                    "started_on": started,
                    "status": status,
                    "kind": EnterpriseKind.COLLECTIVE if collective else EnterpriseKind.INDIVIDUAL,
                    "paid_employees": rng.choices([0, 1, 2, 3], [0.55, 0.25, 0.15, 0.05])[0],
                    "family_workers": rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0],
                    "created_at": now,
                    "updated_at": now,
                }
            )
            teams.append(team)
        with unit_of_work():
            # Ids are handed out here so that plain Core executemany (no
            # RETURNING) can be used: the ORM bulk path is several times slower.
            first_person = _next_id(Beneficiary)
            first_enterprise = _next_id(Enterprise)
            for offset, person in enumerate(people):
                person["id"] = first_person + offset
            for offset, business in enumerate(businesses):
                business["id"] = first_enterprise + offset
            _insert_rows(Beneficiary, people)
            _insert_rows(Enterprise, businesses)
            members, cursor = [], first_person
            for enterprise_id, team in enumerate(teams, start=first_enterprise):
                for position in range(team):
                    role = (
                        MemberRole.OWNER
                        if team == 1
                        else MemberRole.PRESIDENT
                        if position == 0
                        else MemberRole.TREASURER
                        if position == 1
                        else MemberRole.MEMBER
                    )
                    members.append(
                        {"enterprise_id": enterprise_id, "beneficiary_id": cursor, "role": role}
                    )
                    cursor += 1
            _insert_rows(EnterpriseMember, members)
            _sync_id_sequences(Beneficiary, Enterprise)
        added += len(people)
        done += size
        if progress:
            progress(size)
    return added


def _insert_rows(model, rows: list[dict]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany elsewhere.

    On PostgreSQL an executemany still runs one INSERT per row, which made
    100,000 enterprises take over a minute; COPY streams them in one go.
    """
    if not rows:
        return
    table = model.__table__
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    columns = list(rows[0])
    # Only enum columns need converting (psycopg would write an Enum's name):
    # checking every value of every row cost more than the COPY itself.
    enums = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.Enum)]
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            values = [row[column] for column in columns]
            for i in enums:
                values[i] = _plain(values[i])
            copy.write_row(values)
    cursor.close()


def _plain(value):
    return value.value if isinstance(value, Enum) else value


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _sync_id_sequences(*models) -> None:
    """After explicit ids, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        )


def _person(
    rng: random.Random,
    spec: DemoProgramme,
    programme_id: int,
    commune_id: int,
    village_id: int | None,
    started: date,
    today: date,
) -> dict:
    now = utcnow()
    woman = rng.random() < spec.women_share
    returned = started - timedelta(days=rng.randint(20, 300))
    return {
        "programme_id": programme_id,
        "first_name": rng.choice(WOMEN_NAMES if woman else MEN_NAMES),
        "last_name": rng.choice(FAMILY_NAMES),
        "sex": Sex.FEMALE if woman else Sex.MALE,
        "birth_year": returned.year - rng.randint(18, 55),
        "phone": f"+223 {rng.choice([6, 7, 9])}{rng.randint(0, 9)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        "commune_id": commune_id,
        "village_id": village_id,
        "returned_on": min(returned, today),
        "returned_from": rng.choice(COUNTRIES),
        "return_kind": rng.choice(spec.return_kinds),
        "woman_head_of_household": woman and rng.random() < 0.3,
        "vulnerability_notes": None,
        "external_case_number": f"MLI-{rng.randint(100000, 999999)}"
        if rng.random() < 0.7
        else None,
        "consent_on": min(returned + timedelta(days=rng.randint(0, 30)), today),
        "created_at": now,
        "updated_at": now,
    }


DEMO_USERS = (
    ("admin@demo.portfolio.ml", "Awa Administratrice", Role.ADMIN, None),
    ("responsable@demo.portfolio.ml", "Modibo Responsable", Role.MANAGER, None),
    ("finances@demo.portfolio.ml", "Fatoumata Finances", Role.FINANCE, None),
    ("suivi.kayes@demo.portfolio.ml", "Bakary Suivi", Role.MONITOR, "Kayes"),
)


def create_demo_users() -> list[tuple[str, str, Role]]:
    """One account per role with a fresh random password; returns what to print once."""
    created = []
    regions = {r.name: r.id for r in db.session.scalars(sa.select(Region))}
    for email, name, role, region in DEMO_USERS:
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            continue
        password = secrets.token_urlsafe(9)
        create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            region_id=regions.get(region) if region else None,
        )
        created.append((email, password, role))
    return created


# Demo lenders, with products as Malian savings banks quote them (DOMAIN.md §4).
LENDERS = (
    (
        "Caisse villageoise de Kita",
        "sfd",
        (
            (
                "Crédit AGR 12 mois – 2 %/mois dégressif",
                "declining_equal_instalments",
                "0.24",
                "monthly",
                12,
                "0.02",
                "0.10",
            ),
            ("Crédit commerce – 2 %/mois flat", "flat", "0.24", "monthly", 12, "0.02", "0.10"),
        ),
    ),
    (
        "Mutuelle d'épargne Jigiya",
        "sfd",
        (
            (
                "Crédit campagne agricole – 18 % flat, 6 mois",
                "flat",
                "0.18",
                "monthly",
                6,
                "0.01",
                "0.05",
            ),
            (
                "Crédit hebdomadaire femmes – 20 %",
                "declining_equal_instalments",
                "0.20",
                "weekly",
                26,
                "0.015",
                "0.0",
            ),
        ),
    ),
    (
        "Banque Sahel Crédit",
        "bank",
        (
            (
                "Prêt PME 24 mois – 12 %",
                "declining_equal_instalments",
                "0.12",
                "monthly",
                24,
                "0.01",
                "0.0",
            ),
        ),
    ),
)


def seed_lenders() -> None:
    """Demo lenders and products, added only when no lender exists yet."""
    with unit_of_work() as session:
        if session.scalar(sa.select(sa.func.count(Lender.id))):
            return
        for name, lender_type, products in LENDERS:
            lender = Lender(name=name, lender_type=lender_type, active=True)
            for title, method, rate, frequency, n, fee, savings in products:
                lender.products.append(
                    LoanProduct(
                        name=title,
                        method=method,
                        annual_rate=Decimal(rate),
                        frequency=frequency,
                        instalments=n,
                        grace_principal_periods=0,
                        grace_interest="none",
                        upfront_fee_rate=Decimal(fee),
                        upfront_fee_xof=0,
                        savings_upfront_rate=Decimal(savings),
                        savings_per_instalment_xof=0,
                        savings_annual_rate=Decimal(0),
                        rounding_multiple=5,
                        active=True,
                    )
                )
            session.add(lender)


def seed_support(first_enterprise_id: int, seed: int = 2026) -> dict[str, int]:
    """Budgets, grants, allowances and kits for the enterprises from `first_enterprise_id` on.

    Each area's demo writes in bulk (COPY on PostgreSQL); this only chains
    them. Returns what was created, for the command line to report.
    """
    # Imported here: those modules reuse this one's bulk-insert helpers.
    from portfolio.domain.ledger_vocabulary import Instrument
    from portfolio.models import Enterprise, Programme
    from portfolio.services.demo_grants import demo_enterprise_rows, seed_grants_demo
    from portfolio.services.demo_kits import seed_kits_demo
    from portfolio.services.demo_loans import seed_loans_demo

    rng = random.Random(seed + 1)
    programme_ids = list(db.session.scalars(sa.select(Programme.id)))
    summary = seed_grants_demo(rng, programme_ids, demo_enterprise_rows(min_id=first_enterprise_id))
    kit_lines = _first_line_per_programme(Instrument.KIT)
    kit_rows = (
        db.session.execute(
            sa.select(
                Enterprise.id, Enterprise.programme_id, Enterprise.sector_id, Enterprise.started_on
            ).where(Enterprise.id >= first_enterprise_id)
        )
        .mappings()
        .all()
    )
    kits = seed_kits_demo(rng, kit_rows, kit_lines)
    seed_lenders()
    loan_lines = _first_line_per_programme(Instrument.LOAN)
    products = list(db.session.scalars(sa.select(LoanProduct.id).order_by(LoanProduct.id)))
    maker_id, checker_id = _demo_maker_and_checker()
    loans = seed_loans_demo(
        rng, kit_rows, loan_lines, products, maker_id=maker_id, checker_id=checker_id
    )
    from portfolio.services.demo_visits import seed_visits_demo  # after the supports exist

    visits = seed_visits_demo(rng, first_enterprise_id)
    return {
        "grants": summary.grants,
        "grant_payments": summary.payments,
        "allowances": summary.allowances,
        "kits": kits,
        "loans": loans,
        **visits,
    }


def _first_line_per_programme(instrument) -> dict[int, int]:
    from portfolio.models import BudgetLine

    lines: dict[int, int] = {}
    for programme_id, line_id in db.session.execute(
        sa.select(BudgetLine.programme_id, BudgetLine.id)
        .where(BudgetLine.instrument == instrument)
        .order_by(BudgetLine.id)
    ):
        lines.setdefault(programme_id, line_id)
    return lines


def _demo_maker_and_checker() -> tuple[int, int]:
    """A finance officer who records loans and a manager who approves them (maker-checker).

    Real accounts when they exist; otherwise inactive placeholder accounts, so
    the benchmark seed needs no one to log in.
    """
    ids = []
    for role, email, name in (
        (Role.FINANCE, "donnees.demo@demo.portfolio.ml", "Données de démonstration"),
        (Role.MANAGER, "validation.demo@demo.portfolio.ml", "Validation de démonstration"),
    ):
        found = db.session.scalar(
            sa.select(User.id).where(User.role == role).order_by(User.active.desc(), User.id)
        )
        if found is None:
            with unit_of_work() as session:
                user = User(name=name, email=email, role=role, active=False, password_hash="!")
                session.add(user)
            found = user.id
        ids.append(found)
    return ids[0], ids[1]
