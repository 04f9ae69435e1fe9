"""One enterprise's demo visit history, as rows (services.demo_visits writes them).

Each enterprise follows one trajectory: improving (about 40 %), stable (35 %),
declining (18 %) or closing down (7 %). About 12 % of recent due visits were
missed (they show as overdue), about 8 % of visits found the owner absent,
and a declining business sometimes sold part of its kit.

Built for 300,000 visits: the answers of a chunk of visits are drawn at once
(numpy), and the scores and the kit kept are computed as services.visits
computes them (the tests compare them), from memoised parts instead of one
Decimal computation per visit.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from portfolio.domain.monitoring.items import REINTEGRATION_ITEMS
from portfolio.domain.monitoring.scoring import item_score, rounded_score, weighted_mean
from portfolio.domain.monitoring.vocabulary import (
    BusinessStatus,
    Dimension,
    KitItemCondition,
    Problem,
    StockLevel,
    VisitSource,
)

MISSED_SHARE = 0.12
ABSENT_SHARE = 0.08
TRAJECTORIES = (("improving", 0.40), ("stable", 0.35), ("declining", 0.18), ("closing", 0.07))
DRIFT = {"improving": 0.05, "stable": 0.0, "declining": -0.07, "closing": -0.1}
GROWTH = {"improving": 1.12, "stable": 1.0, "declining": 0.75, "closing": 0.6}
WEAR = {"improving": 0.02, "stable": 0.05, "declining": 0.15, "closing": 0.3}
SCORE_COLUMNS = ("economic_score", "social_score", "psychosocial_score", "composite_score")
VISIT_COLUMNS = (
    "id",
    "enterprise_id",
    "visited_on",
    "monitor_id",
    "owner_present",
    "business_status",
    "monthly_sales_xof",
    "monthly_costs_xof",
    "net_income_xof",
    "stock_level",
    "paid_employees",
    "family_workers",
    "kit_retained_pct",
    "kit_sold",
    "source",
    "created_at",
    "updated_at",
    *(item.code for item in REINTEGRATION_ITEMS),
    *SCORE_COLUMNS,
)
PROBLEM_COLUMNS = ("visit_id", "problem")
KIT_ITEM_COLUMNS = ("visit_id", "delivery_item_id", "condition")
_PROBLEMS = list(Problem)
_STOCK_LEVELS = list(StockLevel)
_GONE = (KitItemCondition.SOLD, KitItemCondition.BROKEN, KitItemCondition.MISSING)
_UNUSED, _IN_USE = KitItemCondition.PRESENT_UNUSED, KitItemCondition.IN_USE
_UNANSWERED = (None,) * (len(REINTEGRATION_ITEMS) + len(SCORE_COLUMNS))
_NUMBERED = 1 << 20  # more distinct unrounded scores than the three dimensions can have
_SPREAD = 0.8  # of an answer around the enterprise's level, on the 0..4 scale
_FAVOURABLE_HIGH = np.array([item.favourable_high for item in REINTEGRATION_ITEMS])


def trajectory(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for name, share in TRAJECTORIES:
        total += share
        if pick < total:
            return name
    return "stable"


def answers(generator: np.random.Generator, levels: Sequence[float]) -> np.ndarray:
    """Answers (one row per level, columns in REINTEGRATION_ITEMS order) around
    reintegration levels 0..1 (favourable end = level): each is level × 4 plus normal
    noise, rounded and kept within 0..4."""
    centre = np.asarray(levels, dtype=float)[:, None] * 4
    noise = generator.normal(centre, _SPREAD, size=(len(levels), len(REINTEGRATION_ITEMS)))
    good = np.clip(np.rint(noise), 0, 4).astype(np.int64)
    return np.where(_FAVOURABLE_HIGH, good, 4 - good)


class Scorer:
    """score_visit (domain.monitoring.scoring) for rows of complete answers, memoised.

    A dimension's unrounded score depends only on its own answers, and the
    scores only on those three values: each distinct value is computed once and
    numbered, and the rows are matched to them with numpy. Gives, for each row,
    its answer and score columns (REINTEGRATION_ITEMS order, then SCORE_COLUMNS).
    """

    def __init__(self, weights: Mapping[str, Decimal]) -> None:
        def weight(code: str) -> Decimal:
            value = weights.get(code)
            return Decimal(1) if value is None else Decimal(value)

        self._dimensions = []
        for dimension in (Dimension.ECONOMIC, Dimension.SOCIAL, Dimension.PSYCHOSOCIAL):
            items = [item for item in REINTEGRATION_ITEMS if item.dimension == dimension]
            indexes = [REINTEGRATION_ITEMS.index(item) for item in items]
            # A dimension's answers as one integer in base 5, to look them up by.
            digits = np.array([5**k for k in range(len(items))], dtype=np.int64)
            scored = [(item.favourable_high, weight(item.code)) for item in items]
            self._dimensions.append((indexes, digits, scored, weight(dimension.value)))
        # A row's answers are its dimensions' answers one after the other.
        if [i for indexes, *_ in self._dimensions for i in indexes] != list(
            range(len(REINTEGRATION_ITEMS))
        ):
            raise ValueError("the items of a dimension must follow each other")
        self._numbers: dict[Decimal | None, int] = {}  # distinct unrounded score -> number
        self._unrounded: list[Decimal | None] = []  # number -> unrounded score
        # Per dimension, its answers as one integer -> (number of its score, the answers).
        self._seen: list[dict[int, tuple[int, tuple[int, ...]]]] = [{} for _ in self._dimensions]
        self._scores: dict[int, tuple] = {}  # the three numbers as one key -> scores

    def __call__(self, replies: np.ndarray) -> list[tuple]:
        key = np.zeros(len(replies), dtype=np.int64)
        answered = []
        for (indexes, digits, items, _), seen in zip(self._dimensions, self._seen, strict=True):
            codes, where = np.unique(replies[:, indexes] @ digits, return_inverse=True)
            where = where.reshape(-1)
            known = [seen.get(code) or self._learn(seen, code, items) for code in codes.tolist()]
            numbers = np.asarray([number for number, _ in known], dtype=np.int64)
            key = key * _NUMBERED + numbers[where]
            answered.append([known[i][1] for i in where.tolist()])
        keys, where = np.unique(key, return_inverse=True)
        scores = [self._scores.get(k) or self._rounded_scores(k) for k in keys.tolist()]
        return [
            first + second + third + scores[i]
            for first, second, third, i in zip(*answered, where.reshape(-1).tolist(), strict=True)
        ]

    def _learn(self, seen: dict, code: int, items) -> tuple[int, tuple[int, ...]]:
        values = tuple(code // 5**k % 5 for k in range(len(items)))
        score = self._dimension_score(values, items)
        number = self._numbers.setdefault(score, len(self._numbers))
        if number == len(self._unrounded):
            self._unrounded.append(score)
        seen[code] = number, values
        return seen[code]

    @staticmethod
    def _dimension_score(values, items: list[tuple[bool, Decimal]]) -> Decimal | None:
        pairs = [(item_score(v, high), w) for v, (high, w) in zip(values, items, strict=True)]
        return weighted_mean(pairs)

    def _rounded_scores(self, key: int) -> tuple:
        numbers, rest = [], key
        for _ in self._dimensions:
            rest, number = divmod(rest, _NUMBERED)
            numbers.append(number)
        unrounded = [self._unrounded[n] for n in reversed(numbers)]
        weights = [weight for *_, weight in self._dimensions]
        composite = weighted_mean(
            [(s, w) for s, w in zip(unrounded, weights, strict=True) if s is not None]
        )
        scores = self._scores[key] = (*map(rounded_score, unrounded), rounded_score(composite))
        return scores


def observe_kit(
    rng: random.Random,
    visit_id: int,
    items: list[tuple[int, int, int]],
    wear: float,
    step: int,
    observed: list[tuple],
) -> tuple[int, bool]:
    """What the monitor finds of each kit item (id, quantity, unit cost), appended to
    `observed` as KIT_ITEM_COLUMNS rows; returns the share of the kit's value still there
    (0–100, as services.visits.kit_retained) and whether anything was sold."""
    kept = total = kept_count = 0
    sold = False
    gone, unused = wear * step * 0.5, wear * step
    for item_id, quantity, cost in items:
        roll = rng.random()
        value = quantity * cost
        total += value
        if roll < gone:
            condition = rng.choice(_GONE)
            sold = sold or condition == KitItemCondition.SOLD
        else:
            condition = (
                KitItemCondition.PRESENT_UNUSED if roll < unused else KitItemCondition.IN_USE
            )
            kept += value
            kept_count += 1
        observed.append((visit_id, item_id, condition))
    if total <= 0:  # donated items, no value: counted by number
        kept, total = kept_count, len(items)
    return (200 * kept + total) // (2 * total), sold


class VisitRows:
    """Rows for visits, their problems and kit observations, with visit ids handed out here.

    The answers of a chunk's visits are drawn together in ``take()`` (numpy), from the
    reintegration level each visit found.
    """

    def __init__(self, rng: random.Random, weights: Mapping[str, Decimal], first_id: int, now):
        self.rng, self.now, self.next_id = rng, now, first_id
        self.generator = np.random.default_rng(rng.getrandbits(64))
        self.score = Scorer(weights)
        self._visits: list[tuple[tuple, float | None]] = []  # (row but answers, level)
        self.problems: list[tuple] = []
        self.kit_items: list[tuple] = []

    def __len__(self) -> int:
        return len(self._visits)

    def take(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        """The visits (VISIT_COLUMNS), problems and kit observations so far; starts anew."""
        levels = [level for _, level in self._visits if level is not None]
        answered = iter(self.score(answers(self.generator, levels)))
        visits = [
            row + (_UNANSWERED if level is None else next(answered)) for row, level in self._visits
        ]
        taken = visits, self.problems, self.kit_items
        self._visits, self.problems, self.kit_items = [], [], []
        return taken

    def history(
        self,
        enterprise_id: int,
        due: list[tuple[date, int | None]],
        kit: list[tuple[int, int, int]] | None,
        today: date,
    ) -> list[int | None]:
        """Visits for one enterprise's due planned visits (due date, monitor), in order;
        returns the visit id of each (None when it was missed)."""
        rng = self.rng
        path = trajectory(rng)
        level = rng.uniform(0.35, 0.75)
        sales = rng.choice([40_000, 60_000, 90_000, 150_000, 250_000, 400_000])
        closed = False
        done: list[int | None] = []
        for step, (due_on, monitor_id) in enumerate(due, start=1):
            # Missed visits are recent ones: an old plan step was caught up with long ago.
            if (today - due_on).days < 180 and rng.random() < MISSED_SHARE:
                done.append(None)
                continue
            visited_on = min(today, due_on + timedelta(days=rng.randint(-5, 20)))
            level = min(0.95, max(0.05, level + DRIFT[path] + rng.gauss(0, 0.03)))
            sales = int(round(sales * GROWTH[path] * rng.uniform(0.9, 1.1), -3))
            if path == "closing" and step >= 3:
                closed = True
            status = BusinessStatus.OPERATING
            if closed:
                status = rng.choice([BusinessStatus.CLOSED, BusinessStatus.MOVED])
            elif path == "declining" and rng.random() < 0.15:
                status = BusinessStatus.TEMPORARILY_CLOSED
            present = rng.random() >= ABSENT_SHARE and status != BusinessStatus.MOVED
            visit_id = self.next_id
            self.next_id += 1
            done.append(visit_id)
            figures = (None, None, None, None, 0, 0)
            answered_at = None  # the level the answers are drawn around, if any
            if present and status in (BusinessStatus.OPERATING, BusinessStatus.TEMPORARILY_CLOSED):
                operating = status == BusinessStatus.OPERATING
                costs = int(round(sales * rng.uniform(0.4, 0.8), -3))
                answered_at = level
                sold, spent = (sales, costs) if operating else (0, 0)
                figures = (
                    sold,
                    spent,
                    sold - spent,
                    rng.choice(_STOCK_LEVELS),
                    rng.choice([0, 0, 0, 1, 1, 2]),
                    rng.choice([0, 1, 1, 2, 3]),
                )
                count = rng.choice([0, 1, 1, 2, 3])
                if count:
                    self.problems.extend((visit_id, p) for p in rng.sample(_PROBLEMS, count))
            kept_pct, kit_sold = None, False
            if kit and status != BusinessStatus.MOVED:
                kept_pct, kit_sold = observe_kit(
                    rng, visit_id, kit, WEAR[path], step, self.kit_items
                )
            row = (
                visit_id,
                enterprise_id,
                visited_on,
                monitor_id,
                present,
                status,
                *figures,
                kept_pct,
                kit_sold,
                VisitSource.DEMO,
                self.now,
                self.now,
            )
            self._visits.append((row, answered_at))
        return done
