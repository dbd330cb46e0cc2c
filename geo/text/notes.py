"""Source notes on a Chinese page: the researchers' English asides said in Chinese, or left to the English page.

The shipped notes were written by researchers who quote the published Chinese text and comment in
English ("(Beijing, stock)", "repost date not shown", "(rank 6 of 16)"). A Chinese page shows no
English (the product's rule), so :func:`zh_note`:

1. says the asides the notes use in Chinese (:data:`ASIDES`, longest first; names such as CNIPA as
   a planner writes them: 国家知识产权局);
2. replaces a quote with no Chinese in it (an English page quoted as published) by 外文原文见来源链接;
3. drops each sentence that still has English words, but for its Chinese quotes (the published
   words), and says once that more follows on the English page; a note with nothing Chinese left
   reads 研究说明为英文, 见英文页面.

Web addresses, host names and a few names that are written in Latin letters in Chinese too (PCT,
IT之家, MAIGOO, km²) are not English words here. The English page shows the note as written.
"""

from __future__ import annotations

import functools
import re

__all__ = ["ASIDES", "english_words", "zh_note"]

#: (pattern, Chinese) in the order applied: a researcher's aside as a Chinese page says it.
ASIDES: tuple[tuple[str, str], ...] = (
    # whole asides first (they contain the shorter words below)
    (r"\(Beijing, invention patents in force per 10,000 residents\)", "(北京)"),
    (r"\(Beijing, annual registrations\)", "(北京, 年度注册量)"),
    (r"\(Beijing, stock of valid registered trademarks\)", "(北京, 累计有效注册量)"),
    (r"\(Beijing, stock\)", "(北京, 累计拥有量)"),
    (r"\(Beijing, municipal 知识产权保护状况 figure\)", "(北京, 市《知识产权保护状况》数字)"),
    (r"\(Beijing, NCAC 作品登记, excludes software\)", "(北京, 国家版权局作品登记, 不含软件)"),
    (r"\(Beijing; proxy, NOT 服务品牌机构\)", "(北京; 近似指标, 并非服务品牌机构数)"),
    (r"\(Beijing\)", "(北京)"),
    (r" - equals NCAC 作品登记 figure; see NOTES", " (与国家版权局作品登记数相同)"),
    (r"\(same figure as above, rounded\)", "(与上条同一数字, 取整)"),
    (r"\(rounded; same growth rate as the old source\)", "(取整; 增长率与旧来源相同)"),
    (r"\((\d+(?:\.\d+)?万) rounded\)", r"(\1, 取整)"),
    (r"\(rounded\)", "(取整)"),
    (r" \(rounded\)", "(取整)"),
    (r"repost date not shown", "转载页未注明日期"),
    (r"\(rank (\d+) of 16\)", r"(全市16区中第\1位)"),
    (r"\(all 3 types\)", "(三种专利合计)"),
    (r"\(3 types\)", "(三种专利合计)"),
    (r"\(service inventions only\)", "(仅职务发明)"),
    (r"\(secondary source\)", "(二手来源)"),
    (r"\(patent pledge loans only\)", "(仅专利权质押贷款)"),
    (r"\(enterprises only\)", "(仅企业)"),
    (r"\[non-official big-data study\]", "[非官方的大数据研究]"),
    (r"\(retrospective mention of the (\d{4}) value\)", r"(回顾中提及的\1年数值)"),
    (r"\(second corroboration\)", "(第二个佐证)"),
    (r"article carried on China Radio International city channel", "文章, 国际在线城市频道转载"),
    (r"\(scope: (\S+) article; ambiguous\)", r"(口径: \1一文, 不明确)"),
    (r"\(中关村核心区 = Haidian\)", "(中关村核心区即海淀区)"),
    (r"\(exact (\d+) in an unlinked mirror of the same report\)", r"(同一报告的一个无链接镜像中为\1件)"),
    (r"Total per-10k \(non-high-value\) for (\d{4}) not found\.", r"\1年每万人发明专利拥有量(全部, 非仅高价值)未找到。"),
    (r"video report on the ", "视频报道: "),
    (r"Beijing IP Office (\d{4}) annual", r"北京市知识产权局\1年度报告"),
    (r"CNIPA (\d{4}) data release", r"国家知识产权局\1年数据发布"),
    (r"not stated \(after ([\d-]+)\)", r"未注明(\1之后)"),
    (r" on 《", " 报道《"),
    (r"(\d{4}) lists:", r"\1年名单:"),
    (r" gives ", " 称 "),
    (r"\bunitalen:", "unitalen.com.cn:"),
    (r"\(source: ", "(来源: "),
    (r"\bmunicipal: ", "全市: "),
    (r"\(also (?=https?://|\d{4}-)", "(另见 "),
    (r"\(mirror (?=https?://)", "(镜像 "),
    # zone and designation notes: the parts that carry a source or a date
    (r"Forum repost of ([^:]+):", r"\1 (论坛转载):"),
    (r"^(\d{4}-\d{2}) report:", r"\1 报道:"),
    (r"^BDA official intro\.", "经开区官方介绍。"),
    (r"(\S+) (\d{4}-\d{2}-\d{2}) repost(?=[:.])", r"\1 \2 (转载)"),
    (r"^Repost of ", "转载自 "),
    (r" repost\. ", " (转载)。"),
    (r"Area not found\.", "未找到面积。"),
    (r"\(posted (\d{4}-\d{2}-\d{2})\)", r"(\1发布)"),
    (r"; term (\S+) to (\S+)\.", r"; 期限\1至\2。"),
    (r"^Same (\d{4}-\d{2}-\d{2}) CNIPA notice:", r"同一国家知识产权局通知(\1):"),
    (r"^Beijing IP Office news citing ", "北京市知识产权局新闻引用"),
    (r" per Beijing IP Office:", " (据北京市知识产权局):"),
    (r"Year = notice number year \((\d{4})\)\.", r"年份取通知文号年份(\1)。"),
    (r"Also (https?://\S+) \(", r"另见 \1 ("),
    (r", construction period (\S+) to (\S+)\.", r", 建设期\1至\2。"),
    (r"(\d{4}-\d{2}(?:-\d{2})?) to (\d{4}-\d{2}(?:-\d{2})?)", r"\1至\2"),
    (r": decision (\d{4}-\d{2}-\d{2}), ", r": \1决定, "),
    (r"^Only reference found: Tianjin (\d{4}) work plan \(([\d-]+)\) to ", r"唯一找到的依据: 天津\1年工作计划(\2): "),
    (r"No CNIPA designation, location or area found\.", "未找到国家知识产权局的认定、位置或面积。"),
    (r"Included in (\d{4}) expansion \(([^)]+)\)\.", r"\1年扩区时纳入(\2)。"),
    # names a Chinese page writes in Chinese
    (r"\bCNIPA\b", "国家知识产权局"),
    (r"\bNCAC\b", "国家版权局"),
    (r"\bBDA\b", "经开区"),
)
_ASIDES = tuple((re.compile(p, re.M), zh) for p, zh in ASIDES)

#: Latin words a Chinese text uses as they are.
_KEPT = ("PCT", "IT", "MAIGOO", "km", "ha")
_ADDRESS = re.compile(r"https?://\S+|[\w.-]+\.(?:com|cn|net|org|gov|ai)\b\S*")
_ENGLISH = re.compile(r"(?<![A-Za-z])(?!(?:" + "|".join(_KEPT) + r")(?![A-Za-z]))[A-Za-z]{2,}")
_CJK = re.compile(r"[\u3400-\u9fff]")
_FOREIGN_QUOTE = re.compile(r"(?:^|(?<=[\s:：(（]))'([A-Za-z0-9][^'\u3400-\u9fff]*)'")
_CHINESE_QUOTE = re.compile(r"'[^'\u3400-\u9fff]*[\u3400-\u9fff][^']*'|“[^”]*[\u3400-\u9fff][^”]*”")
_OPEN, _CLOSE = "([（【《“", ")]）】》”"


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _sentences(text: str) -> list[str]:
    """Split ``text`` after '.', '。', ';' followed by a space, outside brackets and quotes."""
    out, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(text):
        if ch == "'" and not (_latin(text[i - 1:i]) and _latin(text[i + 1:i + 2])):  # not District's
            quoted = not quoted
        elif ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in ".。;；" and not depth and not quoted and text[i + 1:i + 2] in (" ", ""):
            out.append(text[start:i + 1].strip())
            start = i + 1
    out.append(text[start:].strip())
    return [s for s in out if s]


def english_words(text: str) -> list[str]:
    """Return the English words in ``text`` (not in a web address or host name; PCT, IT之家 … kept).

    >>> english_words("CNIPA 表6-4 (also https://chinanews.com.cn/x) PCT IT之家 km²")
    ['CNIPA', 'also']
    """
    return _ENGLISH.findall(_ADDRESS.sub(" ", text))


@functools.lru_cache(maxsize=4096)  # the same notes on every rerun of a table
def zh_note(text: str, foreign_quote: str, more: str | None) -> str | None:
    """Return ``text`` as a Chinese page shows it, or None if nothing Chinese is left to show.

    ``foreign_quote`` replaces a quote with no Chinese in it; ``more`` follows the kept sentences
    when English ones were dropped. With ``more=None`` nothing is dropped: a text that cannot be
    said whole without English gives None (a short lead or remark shown in place).

    >>> zh_note("石景山 2020-04-26 (repost date not shown): '排名北京市第6位' (rank 6 of 16)", "Q", "M")
    "石景山 2020-04-26 (转载页未注明日期): '排名北京市第6位' (全市16区中第6位)"
    >>> zh_note("中关村企业: 'The patents granted jumped from 968 to 23,167'", "(外文)", "M")
    '中关村企业: (外文)'
    >>> zh_note("'占地约75平方公里'. A similar area is described at https://x.com (undated).", "Q", "(英文备注)")
    "'占地约75平方公里'. (英文备注)"
    >>> zh_note("Included somewhere. Area unknown.", "Q", "M") is None
    True
    """
    for pattern, zh in _ASIDES:
        text = pattern.sub(zh, text)
    text = _FOREIGN_QUOTE.sub(lambda m: foreign_quote if len(english_words(m.group(1))) >= 3 else m.group(0), text)
    if not english_words(text):
        return text
    if more is None:
        return None
    kept = []
    for sentence in _sentences(text):
        if not english_words(sentence):
            kept.append(sentence.rstrip(";；"))
        else:  # an English sentence: its Chinese quotes, the published words, stay
            kept += [q for q in _CHINESE_QUOTE.findall(sentence) if not english_words(q)]
    kept = [k for k in kept if _CJK.search(k)]
    return " ".join([*kept, more]) if kept else None
