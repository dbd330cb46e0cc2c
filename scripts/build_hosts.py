"""Build data/sources/hosts.csv: which web hosts are government, official media, or reposts.

Run: ``.venv/bin/python scripts/build_hosts.py`` (no input files: the table is written here, one
row per host with the reason, so a reviewer reads the rule and the exceptions in one place).

The rule follows ``shared/reference/source-upgrades.md`` (deliberately strict):
- ``government``: any ``*.gov.cn`` host (beijing.gov.cn and its subdomains, cnipa, sipo, mofcom,
  ncac, the district and zone offices) — the row ``gov.cn`` matches every subdomain;
- ``official_media``: the state and Beijing official media on the list (Xinhua, People's Daily,
  China Daily, China News Service, Guangming, CCTV, CNR, CRI, china.com.cn / china.org.cn,
  Economic Daily, Beijing Daily, Beijing News, Beijing Youth Daily's ynet, Science and Technology
  Daily, China IP News);
- ``repost``: hosts seen in the research notes that carry an official figure second-hand (a
  WeChat repost, a portal copying a newspaper, a mirror); each row says whose text it copies;
- anything else is ``other`` (:func:`geo.data.source_kind.source_kind` needs no row for it).
A host matches a row when it equals the row's ``host`` or ends with ``.`` + ``host``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from geo.data.paths import DATA_DIR
from geo.data.provenance import write_table_with_meta

GOV = [("gov.cn", "中国政府网站 (*.gov.cn)", "Chinese government sites (*.gov.cn)", "any government domain")]
MEDIA = [
    ("xinhuanet.com", "新华网", "Xinhua"), ("news.cn", "新华网", "Xinhua"),
    ("people.com.cn", "人民网", "People's Daily Online"), ("chinadaily.com.cn", "中国日报", "China Daily"),
    ("chinanews.com.cn", "中国新闻网", "China News Service"), ("chinanews.com", "中国新闻网", "China News Service"),
    ("gmw.cn", "光明网", "Guangming Online"), ("cctv.com", "央视网", "CCTV"), ("cnr.cn", "央广网", "CNR"),
    ("cri.cn", "国际在线(中国国际广播电台)", "China Radio International"),
    ("china.com.cn", "中国网", "China.com.cn"), ("china.org.cn", "中国网(英文)", "China.org.cn"),
    ("ce.cn", "中国经济网", "Economic Daily"), ("bjd.com.cn", "北京日报", "Beijing Daily"),
    ("bjnews.com.cn", "新京报", "Beijing News"), ("ynet.com", "北青网", "Beijing Youth Daily (ynet)"),
    ("stdaily.com", "科技日报", "Science and Technology Daily"), ("cipnews.com.cn", "中国知识产权报", "China IP News"),
]
REPOSTS = [
    ("app.bjtitle.com", "北京青年报客户端页面", "Beijing Youth Daily app page",
     "quotes the 7th census bulletin; not the bulletin itself"),
    ("unitalen.com.cn", "转载北京市知识产权局微信", "repost of the Beijing IP Office's WeChat", "law firm site"),
    ("maigoo.com", "买购网", "Maigoo", "ranking portal quoting the statistical bulletin"),
    ("jiangsulong.com", "转载", "repost portal", "copies a press-conference report"),
    ("qjsabbmu.com", "转载", "repost portal", "copies a press-conference report"),
    ("52fw.cn", "转载北京青年报", "repost of Beijing Youth Daily", "石景山 2019 figures"),
    ("sciencechn.com", "转载中国新闻网", "repost of China News Service", ""),
    ("cnfi.org.tw", "转载极目新闻", "repost of Jimu News", "Taiwan host"),
    ("reportify.ai", "转载新京报", "repost of Beijing News", ""),
    ("ctmanga.com", "转载北京晚报", "repost of Beijing Evening News", ""),
    ("gongxiaoshang.com", "转载新华社", "repost of Xinhua", ""),
    ("qqzyw.com", "转载人民网", "repost of People's Daily Online", ""),
    ("9xz.net", "转载IT之家", "repost of IT Home", ""),
    ("baogaosu.com", "转载", "repost portal", "copies a newspaper report"),
    ("dashoubi.org", "转载", "repost portal", "copies a press-conference report"),
    ("801ab.com", "转载", "repost portal", ""),
    ("tigonoil.com", "转载中新社", "repost of China News Service", ""),
    ("chinacourt.org", "中国法院网(转载新华社微博)", "China Court (repost of a Xinhua microblog)", ""),
    ("github.com", "GitHub 镜像", "GitHub mirror", "third-hand: a mirror of a repost"),
    ("economy.china.com", "中华网(商业门户)", "china.com (commercial portal)", "not china.com.cn"),
]


def build() -> pd.DataFrame:
    """Return the host table (host, kind, name_zh, name_en, note)."""
    rows = [{"host": h, "kind": "government", "name_zh": zh, "name_en": en, "note": n} for h, zh, en, n in GOV]
    rows += [{"host": h, "kind": "official_media", "name_zh": zh, "name_en": en, "note": "on the official-media list"}
             for h, zh, en in MEDIA]
    rows += [{"host": h, "kind": "repost", "name_zh": zh, "name_en": en, "note": n} for h, zh, en, n in REPOSTS]
    return pd.DataFrame(rows)


def main() -> None:
    df = build()
    out = DATA_DIR / "sources"
    out.mkdir(exist_ok=True)
    write_table_with_meta(
        df, out / "hosts.csv",
        title="来源网站类别 / Kind of each source host (government, official media, repost)",
        producer="Beijing IP Atlas, scripts/build_hosts.py",
        source_url="shared/reference/source-upgrades.md (the host list and its rule)",
        licence="facts (a classification of public web hosts)",
        script="scripts/build_hosts.py",
        status="classification (hosts not listed are 'other')",
    )
    print(f"data/sources/hosts.csv: {len(df)} hosts")


if __name__ == "__main__":
    main()
