"""The standard kits, as plain data: no database needed."""

from __future__ import annotations

from portfolio.domain.kit_catalogue import KIT_BY_SECTOR, KITS
from portfolio.domain.reference_data import SECTORS


def test_every_trade_of_the_reference_data_has_one_standard_kit():
    assert set(KIT_BY_SECTOR) == {code for code, *_ in SECTORS}
    assert len(KITS) == len(KIT_BY_SECTOR)
    assert len({kit.name for kit in KITS}) == len(KITS)


def test_standard_kits_hold_the_equipment_the_field_reports_describe():
    names = {code: {item.name for item in kit.items} for code, kit in KIT_BY_SECTOR.items()}
    assert "Machine à coudre à pédale" in names["tailoring"]
    assert any("Pirogue" in name for name in names["fishing"])
    assert {"Pelle", "Houe (daba)", "Seau"} <= names["market_gardening"]
    assert "Tour de potier à pied" in names["pottery"]
    assert any("Bouc" in name for name in names["livestock_fattening"])


def test_every_item_has_a_positive_quantity_a_whole_franc_cost_and_a_supplier():
    for kit in KITS:
        for item in kit.items:
            assert isinstance(item.quantity, int) and item.quantity >= 1
            assert isinstance(item.unit_cost_xof, int) and item.unit_cost_xof > 0
            assert item.supplier and len(item.name) <= 120 and len(item.supplier) <= 120
        # Below the EU-IOM project ceiling of about 1 968 000 FCFA (DOMAIN.md §2).
        assert 50_000 < kit.value_xof < 1_968_000, kit.name
