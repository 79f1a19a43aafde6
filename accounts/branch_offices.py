"""Contacts of the bureaus and district offices, and the branch offices
(出張所) of every bureau, as data for ``accounts.reference_data``.

Sources: domain-facts §5.5 (structure: 8 bureaus, 7 district offices, 61
branch offices; the branches of Sapporo, Hiroshima and Fukuoka by name) and
public pages read for this list (Sapporo, Sendai and Tokyo addresses and
telephones; the Shizuoka branch address; the names of Nagoya's eight
branches).  Everything else was taken from
general knowledge and is marked ``contact_verified=False`` until checked
against ISA's office list; branches whose address is not known have it
empty.  The list is not yet complete (ISA counts 61 branches; the Tokyo,
Nagoya, Osaka, Takamatsu and Naha lists here are partial).

``sources`` lists the public pages each office's contact was read from or
checked against (the loader ignores the key: the data keeps it for review).
ISA's own office list (出入国在留管理庁 各地方局・支局・出張所) could not be
retrieved for this list; a contact found on another public page (a
municipality, a university, an immigration lawyer's office) is recorded
with its page and stays ``contact_verified=False``.

Branches have no prefecture jurisdiction of their own: an online application
goes to the bureau or district office over the prefecture
(``applications.application_forms.jurisdiction``); branches are where the
person may go in person.  ``is_port`` marks the airport and seaport offices
(immigration inspection): they never receive applications or requests for
use.  Codes are ours (three letters; IATA codes for airport offices), never
changed once used (they appear in receipt numbers).
"""

from __future__ import annotations

from typing import Any

# A 行政書士 office's page on where residents of 兵庫県 file (Kobe district
# office and the Himeji port branch).
KATSUMI_HYOGO = (
    "https://visa.katsumi-office.com/在留資格・ビザ申請管轄情報/"
    "兵庫在住の外国人の方の在留資格申請の管轄入国"
)

# Contacts of the offices listed in accounts.reference_data.OFFICES, by code.
CONTACTS: dict[str, dict[str, Any]] = {
    "SPR": {
        "postal_code": "060-0042",
        "address_ja": "北海道札幌市中央区大通西12丁目 札幌第三合同庁舎",
        "phone": "011-261-9658",
        "contact_verified": True,
        "sources": (
            "https://koyou.acroseed.com/visa1/000119.html",
            "https://nyukan-bengoshi.com/nyukan-sapporo",
        ),
    },
    "SND": {
        "postal_code": "983-0842",
        "address_ja": "宮城県仙台市宮城野区五輪1-3-20 仙台第二法務合同庁舎",
        "phone": "022-256-6076",
        "contact_verified": True,
        "sources": ("https://koyou.acroseed.com/visa1/000119.html",),
    },
    "TKY": {
        "postal_code": "108-8255",
        "address_ja": "東京都港区港南5-5-30",
        "phone": "0570-034259",
        "contact_verified": True,
        "sources": (
            "https://nyukan-bengoshi.com/tokyo-nyukan/",
            "https://journal.onevisa.jp/immigration-bureau003",
            "https://ja.m.wikipedia.org/wiki/東京出入国在留管理局",
        ),
    },
    "NRT": {
        "postal_code": "282-0004",
        "address_ja": "千葉県成田市古込字古込1-1 成田国際空港第2旅客ターミナルビル",
        "phone": "0476-34-2222",
    },
    "HND": {
        "postal_code": "144-0041",
        "address_ja": "東京都大田区羽田空港2-6-4 羽田空港CIQ棟",
        "phone": "03-5708-3202",
    },
    "YKH": {
        "postal_code": "236-0002",
        "address_ja": "神奈川県横浜市金沢区鳥浜町10-7",
        "phone": "045-769-1720",
    },
    "NGY": {
        "postal_code": "455-8601",
        "address_ja": "愛知県名古屋市港区正保町5-18",
        "phone": "0570-052259",
    },
    "NGO": {
        "postal_code": "479-0881",
        "address_ja": "愛知県常滑市セントレア1-1 CIQ棟",
        "phone": "0569-38-7410",
    },
    "OSK": {
        "postal_code": "559-0034",
        "address_ja": "大阪府大阪市住之江区南港北1-29-53",
        "phone": "0570-064259",
        # The address as the City of Osaka lists it (2017, which gives the
        # counter's direct line 06-4703-2100); the telephone is unconfirmed.
        "sources": (
            "http://www.city.osaka.lg.jp/seisakukikakushitsu/page/0000298765.html",
        ),
    },
    "KIX": {
        "postal_code": "549-0011",
        "address_ja": "大阪府泉南郡田尻町泉州空港中1 CIQ合同庁舎",
        "phone": "072-455-1453",
    },
    "KOB": {
        "postal_code": "650-0024",
        "address_ja": "兵庫県神戸市中央区海岸通り29 神戸地方合同庁舎",
        "phone": "078-391-6377",
        "sources": (KATSUMI_HYOGO,),
    },
    "HRS": {
        "postal_code": "730-0012",
        "address_ja": "広島県広島市中区上八丁堀2-31 広島法務総合庁舎",
        "phone": "082-221-4411",
    },
    "TKM": {
        "postal_code": "760-0033",
        "address_ja": "香川県高松市丸の内1-1 高松法務合同庁舎",
        "phone": "087-822-5852",
    },
    "FKO": {
        "postal_code": "810-0073",
        "address_ja": "福岡県福岡市中央区舞鶴3-5-25 福岡第1法務総合庁舎",
        # The residence examination counter's line as Kyushu University lists
        # it (the earlier value, 092-717-5420, had no source).
        "phone": "092-717-5422",
        "sources": (
            "http://www.isc.kyushu-u.ac.jp/supportcenter/visa-application/immigration",
        ),
    },
    "NAH": {
        "postal_code": "900-0022",
        "address_ja": "沖縄県那覇市樋川1-15-15 那覇第一地方合同庁舎",
        "phone": "098-832-4185",
    },
}


def _branch(
    code: str,
    parent: str,
    name_ja: str,
    name_en: str,
    sort_order: int,
    *,
    port: bool = False,
    postal_code: str = "",
    address_ja: str = "",
    phone: str = "",
    verified: bool = False,
    sources: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "code": code,
        "kind": "branch",
        "parent": parent,
        "name_ja": name_ja,
        "name_en": f"{name_en} Branch Office",
        "postal_code": postal_code,
        "address_ja": address_ja,
        "phone": phone,
        "contact_verified": verified,
        "sources": sources,
        "is_port": port,
        # Requests for use go to the office over the organisation's prefecture
        # (a bureau or district office), so branches are not offered for them.
        "accepts_use_requests": False,
        # Port offices do immigration inspection only (domain-facts §5.5).
        "accepts_applications": not port,
        "accepts_coe": not port,
        "jurisdiction": [],
        "sort_order": sort_order,
    }


BRANCH_OFFICES: list[dict[str, Any]] = [
    # 札幌 (domain-facts §5.5: 函館, 旭川, 釧路港, 稚内港, 千歳苫小牧)
    _branch("HKD", "SPR", "札幌出入国在留管理局函館出張所", "Hakodate", 11),
    _branch("AKJ", "SPR", "札幌出入国在留管理局旭川出張所", "Asahikawa", 12),
    _branch(
        "KUH", "SPR", "札幌出入国在留管理局釧路港出張所", "Kushiro Port", 13, port=True
    ),
    _branch(
        "WKJ", "SPR", "札幌出入国在留管理局稚内港出張所", "Wakkanai Port", 14, port=True
    ),
    # An airport office that takes no applications (its 苫小牧分室 does).
    _branch(
        "CTS",
        "SPR",
        "札幌出入国在留管理局千歳苫小牧出張所",
        "Chitose Tomakomai",
        15,
        port=True,
        sources=("https://nyukan-bengoshi.com/nyukan-sapporo",),
    ),
    # 仙台 (6 branches; names unverified)
    _branch("AOJ", "SND", "仙台出入国在留管理局青森出張所", "Aomori", 21),
    _branch("HNA", "SND", "仙台出入国在留管理局盛岡出張所", "Morioka", 22),
    _branch(
        "SDJ",
        "SND",
        "仙台出入国在留管理局仙台空港出張所",
        "Sendai Airport",
        23,
        port=True,
    ),
    _branch("AXT", "SND", "仙台出入国在留管理局秋田出張所", "Akita", 24),
    _branch(
        "SKT", "SND", "仙台出入国在留管理局酒田港出張所", "Sakata Port", 25, port=True
    ),
    _branch("KRY", "SND", "仙台出入国在留管理局郡山出張所", "Koriyama", 26),
    # 東京 (12 branches incl. one under 横浜支局; partial, unverified)
    _branch("MTO", "TKY", "東京出入国在留管理局水戸出張所", "Mito", 341),
    _branch("UTN", "TKY", "東京出入国在留管理局宇都宮出張所", "Utsunomiya", 342),
    _branch("TKS", "TKY", "東京出入国在留管理局高崎出張所", "Takasaki", 343),
    _branch(
        "STM",
        "TKY",
        "東京出入国在留管理局さいたま出張所",
        "Saitama",
        344,
        postal_code="338-0002",
        address_ja="埼玉県さいたま市中央区下落合5-12-1 さいたま第2法務総合庁舎",
    ),
    _branch(
        "CHB",
        "TKY",
        "東京出入国在留管理局千葉出張所",
        "Chiba",
        345,
        postal_code="260-0013",
        address_ja="千葉県千葉市中央区中央4-11-1 千葉第2地方合同庁舎",
    ),
    _branch(
        "TCH",
        "TKY",
        "東京出入国在留管理局立川出張所",
        "Tachikawa",
        346,
        postal_code="186-0001",
        address_ja="東京都国立市北3-31-2 立川法務総合庁舎",
    ),
    _branch("KIJ", "TKY", "東京出入国在留管理局新潟出張所", "Niigata", 347),
    _branch("KOF", "TKY", "東京出入国在留管理局甲府出張所", "Kofu", 348),
    _branch("NGN", "TKY", "東京出入国在留管理局長野出張所", "Nagano", 349),
    _branch("KWS", "YKH", "東京出入国在留管理局横浜支局川崎出張所", "Kawasaki", 350),
    # 名古屋 (8 branches; the names as listed on a secondary page, 2017)
    _branch("TOY", "NGY", "名古屋出入国在留管理局富山出張所", "Toyama", 421),
    _branch("KMQ", "NGY", "名古屋出入国在留管理局金沢出張所", "Kanazawa", 422),
    _branch("FKI", "NGY", "名古屋出入国在留管理局福井出張所", "Fukui", 423),
    _branch(
        "SZO",
        "NGY",
        "名古屋出入国在留管理局静岡出張所",
        "Shizuoka",
        424,
        postal_code="420-0858",
        address_ja="静岡県静岡市葵区伝馬町9-4 一瀬センタービル6階",
        sources=("https://yshrchd.hatenablog.com/?page=1612606831",),
    ),
    _branch("HMM", "NGY", "名古屋出入国在留管理局浜松出張所", "Hamamatsu", 425),
    _branch("GFU", "NGY", "名古屋出入国在留管理局岐阜出張所", "Gifu", 426),
    _branch(
        "THS",
        "NGY",
        "名古屋出入国在留管理局豊橋港出張所",
        "Toyohashi Port",
        427,
        port=True,
    ),
    _branch(
        "YKC",
        "NGY",
        "名古屋出入国在留管理局四日市港出張所",
        "Yokkaichi Port",
        428,
        port=True,
    ),
    # 大阪 (6 branches; unverified)
    _branch("KYT", "OSK", "大阪出入国在留管理局京都出張所", "Kyoto", 531),
    _branch(
        "MZR", "OSK", "大阪出入国在留管理局舞鶴港出張所", "Maizuru Port", 532, port=True
    ),
    _branch("NRA", "OSK", "大阪出入国在留管理局奈良出張所", "Nara", 533),
    _branch("WKY", "OSK", "大阪出入国在留管理局和歌山出張所", "Wakayama", 534),
    _branch("OTS", "OSK", "大阪出入国在留管理局大津出張所", "Otsu", 535),
    _branch(
        "HMJ",
        "KOB",
        "大阪出入国在留管理局神戸支局姫路港出張所",
        "Himeji Port",
        536,
        port=True,
        address_ja="兵庫県姫路市飾磨区須加294-1 姫路港湾合同庁舎",
        sources=(KATSUMI_HYOGO,),
    ),
    # 広島 (domain-facts §5.5 [S107])
    _branch(
        "SKP", "HRS", "広島出入国在留管理局境港出張所", "Sakaiminato", 61, port=True
    ),
    _branch("IZO", "HRS", "広島出入国在留管理局松江出張所", "Matsue", 62),
    _branch("OKJ", "HRS", "広島出入国在留管理局岡山出張所", "Okayama", 63),
    _branch("FKY", "HRS", "広島出入国在留管理局福山出張所", "Fukuyama", 64),
    _branch(
        "HIJ",
        "HRS",
        "広島出入国在留管理局広島空港出張所",
        "Hiroshima Airport",
        65,
        port=True,
    ),
    _branch("SMS", "HRS", "広島出入国在留管理局下関出張所", "Shimonoseki", 66),
    _branch("SNN", "HRS", "広島出入国在留管理局周南出張所", "Shunan", 67),
    # 高松 (not retrieved; unverified)
    _branch("MYJ", "TKM", "高松出入国在留管理局松山出張所", "Matsuyama", 71),
    _branch("KCZ", "TKM", "高松出入国在留管理局高知出張所", "Kochi", 72),
    _branch("TKU", "TKM", "高松出入国在留管理局徳島出張所", "Tokushima", 73),
    _branch(
        "TAK",
        "TKM",
        "高松出入国在留管理局高松空港出張所",
        "Takamatsu Airport",
        74,
        port=True,
    ),
    # 福岡 (domain-facts §5.5 [S65])
    _branch("KKJ", "FKO", "福岡出入国在留管理局北九州出張所", "Kitakyushu", 801),
    _branch(
        "HKT", "FKO", "福岡出入国在留管理局博多港出張所", "Hakata Port", 802, port=True
    ),
    _branch(
        "FUK",
        "FKO",
        "福岡出入国在留管理局福岡空港出張所",
        "Fukuoka Airport",
        803,
        port=True,
    ),
    _branch("HSG", "FKO", "福岡出入国在留管理局佐賀出張所", "Saga", 804),
    _branch("NGS", "FKO", "福岡出入国在留管理局長崎出張所", "Nagasaki", 805),
    _branch("TSJ", "FKO", "福岡出入国在留管理局対馬出張所", "Tsushima", 806),
    _branch("KMJ", "FKO", "福岡出入国在留管理局熊本出張所", "Kumamoto", 807),
    _branch("OIT", "FKO", "福岡出入国在留管理局大分出張所", "Oita", 808),
    _branch("KMI", "FKO", "福岡出入国在留管理局宮崎出張所", "Miyazaki", 809),
    _branch("KOJ", "FKO", "福岡出入国在留管理局鹿児島出張所", "Kagoshima", 810),
    # 那覇支局 (unverified)
    _branch(
        "OKA",
        "NAH",
        "福岡出入国在留管理局那覇支局那覇空港出張所",
        "Naha Airport",
        821,
        port=True,
    ),
    _branch(
        "MMY", "NAH", "福岡出入国在留管理局那覇支局宮古島出張所", "Miyakojima", 822
    ),
    _branch(
        "ISG",
        "NAH",
        "福岡出入国在留管理局那覇支局石垣港出張所",
        "Ishigaki Port",
        823,
        port=True,
    ),
]
