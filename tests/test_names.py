"""The names table: codes, Chinese and English names, aliases for imports."""

from __future__ import annotations

import pytest
from common import DISTRICT_CODES_REFERENCE, XIONGAN_COUNTY_CODES

from geo.data.names import (
    BEIJING_CODE,
    BEIJING_DISTRICTS,
    HEBEI_CITIES,
    REGION_NAMES,
    TIANJIN_DISTRICTS,
    XIONGAN_CODE,
    XIONGAN_COUNTIES,
    district_code,
    region_name,
)


def test_sixteen_districts_in_gbt2260_order():
    assert list(BEIJING_DISTRICTS) == sorted(DISTRICT_CODES_REFERENCE)
    assert {c: zh for c, (zh, _) in BEIJING_DISTRICTS.items()} == DISTRICT_CODES_REFERENCE


@pytest.mark.parametrize("table, count, prefix", [(BEIJING_DISTRICTS, 16, "11"), (TIANJIN_DISTRICTS, 16, "12"),
                                                  (HEBEI_CITIES, 11, "13"), (XIONGAN_COUNTIES, 3, "13")])
def test_region_tables_have_codes_and_both_names(table, count, prefix):
    assert len(table) == count
    for code, (zh, en) in table.items():
        assert len(code) == 6 and code.isdigit() and code.startswith(prefix)
        assert zh.strip() and en.strip() and en.isascii()
        assert not zh.isascii()


def test_names_are_unique():
    zh = [v[0] for v in REGION_NAMES.values()]
    en = [v[1] for v in REGION_NAMES.values()]
    assert len(set(zh)) == len(zh) and len(set(en)) == len(en)


def test_special_regions():
    assert REGION_NAMES[BEIJING_CODE] == ("北京市", "Beijing")
    assert REGION_NAMES[XIONGAN_CODE][0] == "雄安新区"
    assert set(XIONGAN_COUNTIES) == set(XIONGAN_COUNTY_CODES)
    assert TIANJIN_DISTRICTS["120116"][0] == "滨海新区"


@pytest.mark.parametrize("code", sorted(DISTRICT_CODES_REFERENCE))
def test_every_district_found_by_every_common_form(code):
    zh, en = BEIJING_DISTRICTS[code]
    for form in (code, int(code), f"{code}.0", zh, zh[:-1], en, en.upper(), f" {en} District ", f"{en}qu",
                 f"{zh}\u3000", f"{zh[:-1]}县"):
        assert district_code(form) == code, form


@pytest.mark.parametrize("name", [None, "", "Gotham", "北京", "110000", "120116", "海", "110108x", 3.5, "滨海新区"])
def test_unknown_names_give_none(name):
    assert district_code(name) is None


def test_region_name():
    assert region_name("110108") == "海淀区" and region_name("110108", "en") == "Haidian"
    assert region_name("120116", "en") == "Binhai New Area"
    assert region_name("999999") == "999999"
    assert region_name(110101) == "东城区"
