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
from portfolio.services.demo_bulk import (
    BulkWriter,
    DemoRandom,
    PhaseClock,
    gc_paused,
    next_ids,
    sync_id_sequences,
)
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
    return next_ids(db.session, Enterprise.__table__)[0]


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


BENEFICIARY_COLUMNS = (
    "id",
    "programme_id",
    "first_name",
    "last_name",
    "sex",
    "birth_year",
    "phone",
    "commune_id",
    "village_id",
    "returned_on",
    "returned_from",
    "return_kind",
    "woman_head_of_household",
    "external_case_number",
    "consent_on",
    "created_at",
    "updated_at",
)
ENTERPRISE_COLUMNS = (
    "id",
    "programme_id",
    "name",
    "sector_id",
    "commune_id",
    "village_id",
    "started_on",
    "status",
    "kind",
    "paid_employees",
    "family_workers",
    "created_at",
    "updated_at",
)
MEMBER_COLUMNS = ("id", "enterprise_id", "beneficiary_id", "role")
_STATUSES = list(EnterpriseStatus)
_STATUS_WEIGHTS = (0.08, 0.72, 0.08, 0.12)


def _places() -> dict[str, list[tuple[int, list[int]]]]:
    """Region name -> [(commune id, its village ids)]."""
    rows = db.session.execute(
        sa.select(Region.name, Commune.id, Village.id.label("village_id"))
        .join(Commune, Commune.region_id == Region.id)
        .outerjoin(Village, Village.commune_id == Commune.id)
        .order_by(Region.id, Commune.id, Village.id)
    )
    places: dict[tuple[str, int], list[int]] = {}
    for region_name, commune_id, village_id in rows:
        villages = places.setdefault((region_name, commune_id), [])
        if village_id is not None:
            villages.append(village_id)
    communes_by_region: dict[str, list[tuple[int, list[int]]]] = {}
    for (region_name, commune_id), villages in places.items():
        communes_by_region.setdefault(region_name, []).append((commune_id, villages))
    return communes_by_region


def seed_portfolio(
    enterprises: int, seed: int = 2026, progress: Callable[[int], None] | None = None
) -> int:
    """Add `enterprises` businesses with their returnees, in bulk. Returns beneficiaries added.

    Written chunk by chunk (services.demo_bulk). Ids are handed out here so that
    members can name their enterprise and person without a round trip (the ORM path
    is many times slower).
    """
    seed_reference_data()
    programmes = seed_programmes()
    tables = (Beneficiary.__table__, Enterprise.__table__, EnterpriseMember.__table__)
    with gc_paused(), unit_of_work() as session, BulkWriter(session) as writer:
        rows = _PortfolioRows(DemoRandom(seed), programmes, next_ids(session, *tables))
        first_person = rows.person_id
        for start in range(0, enterprises, CHUNK):
            size = min(CHUNK, enterprises - start)
            for _ in range(size):
                rows.add_enterprise()
            rows.write(writer)
            if progress:
                progress(size)
        writer.wait()
        sync_id_sequences(session, *tables)
    return rows.person_id - first_person


class _PortfolioRows:
    """Returnees, enterprises and memberships as rows, with ids handed out here."""

    def __init__(self, rng: random.Random, programmes: dict[str, Programme], ids: list[int]):
        self.rng, self.programmes = rng, programmes
        self.person_id, self.enterprise_id, self.member_id = ids
        self.communes_by_region = _places()
        self.regions = {
            spec.code: [r for r in spec.regions if r in self.communes_by_region]
            for spec in PROGRAMMES
        }
        self.sectors = db.session.execute(
            sa.select(Sector.id, Sector.code).order_by(Sector.id)
        ).all()
        self.weights = [p.weight for p in PROGRAMMES]
        self.today, self.now = date.today(), utcnow()
        self.people: list[tuple] = []
        self.businesses: list[tuple] = []
        self.members: list[tuple] = []

    def add_enterprise(self) -> None:
        rng, today, now = self.rng, self.today, self.now
        spec = rng.choices(PROGRAMMES, self.weights)[0]
        programme_id = self.programmes[spec.code].id
        region = rng.choice(self.regions[spec.code])
        commune_id, villages = rng.choice(self.communes_by_region[region])
        village_id = rng.choice(villages) if villages and rng.random() < 0.6 else None
        collective = rng.random() < 0.15
        team = rng.randint(3, 12) if collective else 1
        started = spec.starts_on + timedelta(
            days=rng.randint(60, max(61, (today - spec.starts_on).days - 30))
        )
        place = (commune_id, village_id)
        lead_name = None
        for position in range(team):
            person = _person(rng, spec, self.person_id, programme_id, place, started, today, now)
            self.people.append(person)
            lead_name = lead_name or person[3]
            role = _member_role(team, position)
            self.members.append((self.member_id, self.enterprise_id, self.person_id, role))
            self.person_id += 1
            self.member_id += 1
        sector_id, sector_code = rng.choice(self.sectors)
        self.businesses.append(
            (
                self.enterprise_id,
                programme_id,
                f"{BUSINESS_WORDS.get(sector_code, 'Entreprise')} {lead_name}",
                sector_id,
                commune_id,
                village_id,
                started,
                rng.choices(_STATUSES, _STATUS_WEIGHTS)[0],
                EnterpriseKind.COLLECTIVE if collective else EnterpriseKind.INDIVIDUAL,
                rng.choices([0, 1, 2, 3], [0.55, 0.25, 0.15, 0.05])[0],
                rng.choices([0, 1, 2], [0.5, 0.35, 0.15])[0],
                now,
                now,
            )
        )
        self.enterprise_id += 1

    def write(self, writer: BulkWriter) -> None:
        parents = (
            writer.add(Beneficiary.__table__, BENEFICIARY_COLUMNS, self.people),
            writer.add(Enterprise.__table__, ENTERPRISE_COLUMNS, self.businesses),
        )
        writer.add(EnterpriseMember.__table__, MEMBER_COLUMNS, self.members, after=parents)
        self.people, self.businesses, self.members = [], [], []


def _member_role(team: int, position: int) -> MemberRole:
    if team == 1:
        return MemberRole.OWNER
    if position == 0:
        return MemberRole.PRESIDENT
    return MemberRole.TREASURER if position == 1 else MemberRole.MEMBER


def _person(
    rng: random.Random,
    spec: DemoProgramme,
    person_id: int,
    programme_id: int,
    place: tuple[int, int | None],
    started: date,
    today: date,
    now,
) -> tuple:
    """One returnee, as a row in the order of BENEFICIARY_COLUMNS."""
    woman = rng.random() < spec.women_share
    returned = started - timedelta(days=rng.randint(20, 300))
    return (
        person_id,
        programme_id,
        rng.choice(WOMEN_NAMES if woman else MEN_NAMES),
        rng.choice(FAMILY_NAMES),
        Sex.FEMALE if woman else Sex.MALE,
        returned.year - rng.randint(18, 55),
        f"+223 {rng.choice([6, 7, 9])}{rng.randint(0, 9)} {rng.randint(10, 99)} "
        f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
        *place,
        min(returned, today),
        rng.choice(COUNTRIES),
        rng.choice(spec.return_kinds),
        woman and rng.random() < 0.3,
        f"MLI-{rng.randint(100000, 999999)}" if rng.random() < 0.7 else None,
        min(returned + timedelta(days=rng.randint(0, 30)), today),
        now,
        now,
    )


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


def seed_support(
    first_enterprise_id: int, seed: int = 2026, clock: PhaseClock | None = None
) -> dict[str, int]:
    """Budgets, grants, allowances, kits, loans and visits for the enterprises from
    `first_enterprise_id` on, then flags and fresh planner statistics.

    Each area's demo writes in bulk (COPY on PostgreSQL); this only chains
    them. Returns what was created, for the command line to report; `clock`
    gets the wall time of each phase.
    """
    with gc_paused():
        return _seed_support(first_enterprise_id, seed, clock or PhaseClock())


def _seed_support(first_enterprise_id: int, seed: int, clock: PhaseClock) -> dict[str, int]:
    # Imported here: those modules reuse this one's names and helpers.
    from portfolio.domain.ledger_vocabulary import Instrument
    from portfolio.services import demo_visits
    from portfolio.services.demo_grants import demo_enterprise_rows, seed_grants_demo
    from portfolio.services.demo_kits import seed_kits_demo
    from portfolio.services.demo_loans import analyze_loans, seed_loans_demo

    rng = DemoRandom(seed + 1)
    programme_ids = list(db.session.scalars(sa.select(Programme.id)))
    summary = seed_grants_demo(
        rng, programme_ids, demo_enterprise_rows(min_id=first_enterprise_id), clock=clock
    )
    with clock.phase("kits"):
        kit_lines = _first_line_per_programme(Instrument.KIT)
        kit_rows = (
            db.session.execute(
                sa.select(
                    Enterprise.id,
                    Enterprise.programme_id,
                    Enterprise.sector_id,
                    Enterprise.started_on,
                )
                .where(Enterprise.id >= first_enterprise_id)
                .order_by(Enterprise.id)
            )
            .mappings()
            .all()
        )
        kits = seed_kits_demo(rng, kit_rows, kit_lines)
    with clock.phase("loans"):
        seed_lenders()
        loan_lines = _first_line_per_programme(Instrument.LOAN)
        products = list(db.session.scalars(sa.select(LoanProduct.id).order_by(LoanProduct.id)))
        maker_id, checker_id = _demo_maker_and_checker()
        loans = seed_loans_demo(
            rng, kit_rows, loan_lines, products, maker_id=maker_id, checker_id=checker_id
        )
    with clock.phase("analyze"):
        analyze_loans()  # the visit plan and the flags read the money tables
    visits = demo_visits.seed_visits_demo(rng, first_enterprise_id, clock=clock)
    with clock.phase("analyze"):
        _analyze(*ANALYZED_LAST)
    return {
        "grants": summary.grants,
        "grant_payments": summary.payments,
        "allowances": summary.allowances,
        "kits": kits,
        "loans": loans,
        **visits,
    }


#: Tables the seed fills that analyze_loans leaves out.
ANALYZED_LAST = (
    "beneficiary",
    "enterprise",
    "enterprise_member",
    "kit_delivery_item",
    "planned_visit",
    "visit",
    "visit_problem",
    "visit_kit_item",
    "flag",
    "enterprise_risk",
)


def _analyze(*tables: str) -> None:
    """Fresh planner statistics on PostgreSQL, so that the first screens after the seed
    are not planned on guesses (autovacuum would get there later)."""
    if db.session.get_bind().dialect.name == "postgresql":
        with unit_of_work() as session:
            session.execute(sa.text(f"ANALYZE {', '.join(tables)}"))


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
