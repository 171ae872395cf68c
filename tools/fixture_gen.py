"""Regenerate ``fixtures/catalog.json`` and ``fixtures/quotes.json``.

Development tool only: it needs Faker, which is not a run-time dependency, so it lives outside the
package and the mock server never imports it. Run it from the repository root::

    python tools/fixture_gen.py        (or: python -m tools.fixture_gen, or: make fixtures)

The output is deterministic (fixed seeds, fixed key order): running it twice gives byte-identical
files for a given Faker version. ``fixtures/regions.json`` is maintained by hand; this script only
checks that the warehouse ids it names exist in the catalog.
"""

from __future__ import annotations

import json
import random
import string
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import NotRequired, TypedDict

from faker import Faker

SEED = 20261126
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CATALOG_PATH = FIXTURES / "catalog.json"
QUOTES_PATH = FIXTURES / "quotes.json"
REGIONS_PATH = FIXTURES / "regions.json"

GENERATED_PRODUCTS = 300
DIGITAL_STOCK = 99_999  # electronically delivered goods never run out, in any warehouse
DOWNLOAD_WAREHOUSE = "49"  # electronic delivery only: physical goods hold no stock there

# The deliberate stock cases documented in fixtures/README.md.
ZERO_STOCK_PART = "DF4128"  # no stock anywhere: always backordered, as in the examples
LOW_STOCK_PART = "TXSLM3"  # three units in total, all in Mira Loma
LOW_STOCK = {"10": 3}
# Digital parts (productType S, e.g. 9YG948) hold DIGITAL_STOCK everywhere: see doc_products.

# The deliberate "branch cannot ship" case (reject code EW): a part only two US warehouses may
# ship. Appended after the generated products and made without the random generators, so
# adding it changed no other product.
BRANCH_LIMITED_PART = "BRCS01"
BRANCH_LIMITED_WAREHOUSES = ["10", "40"]

# Part numbers the published examples use for unknown parts (reject code EN): never in the catalog.
REJECTED_PART_NUMBERS = frozenset({"DF4128MW", "XXXXXX", "2GZ2000001", "DF41281"})


class Warehouse(TypedDict):
    name: str
    countryCode: str


class Product(TypedDict):
    ingramPartNumber: str
    vendorPartNumber: str
    vendorName: str
    vendorNumber: str
    description: str
    unitPrice: float
    upcCode: str
    unitWeight: float | None
    weightUom: str | None
    productType: str
    stock: dict[str, int]
    shipsFrom: NotRequired[list[str]]  # only these warehouses may ship it (absent: any)


class Catalog(TypedDict):
    warehouses: dict[str, Warehouse]
    products: list[Product]


class QuoteLine(TypedDict):
    quoteLineNumber: str
    ingramPartNumber: str
    quantity: int
    unitPrice: float


class Quote(TypedDict):
    quoteNumber: str
    quoteName: str
    status: str
    customerNumber: str | None
    currencyCode: str
    createdDate: str
    expiryDate: str
    endUserCompanyName: str
    lines: list[QuoteLine]


class Quotes(TypedDict):
    quotes: list[Quote]


def table(text: str) -> list[list[str]]:
    """Rows of a '|'-separated table. A line starting with '|' continues the row above it."""
    rows: list[list[str]] = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if not line.strip():
            continue
        if cells[0]:
            rows.append(cells)
        else:
            rows[-1].extend(cells[1:])
    return rows


# id | name | country. 10, 20, 30, 40, 49 and 80 (US) and 29 (Spain) are the ids the published
# examples ship from; the Canadian, British and Australian ids are our own choice.
WAREHOUSES: dict[str, Warehouse] = {
    wid: {"name": name, "countryCode": country}
    for wid, name, country in table("""
        10 | Mira Loma, CA       | US
        15 | Mississauga, ON     | CA
        20 | Fort Worth, TX      | US
        29 | Madrid              | ES
        30 | Millington, TN      | US
        40 | Carol Stream, IL    | US
        49 | Electronic Download | US
        50 | Milton Keynes       | GB
        60 | Sydney, NSW         | AU
        80 | Jonestown, PA       | US
    """)
}

# vendor | Ingram vendor number | GS1 prefix for UPC codes. 802U (DELL) and D190 (here D-LINK)
# appear in the examples; the rest are invented.
VENDORS = {
    vendor: (number, prefix)
    for vendor, number, prefix in table("""
        APC                     | A113 | 731304
        APPLE                   | 1B31 | 194252
        ASUS                    | C7F2 | 195553
        BELKIN                  | B120 | 745883
        CISCO                   | C019 | 882658
        CISCO - HW UNIFIED COMM | C01U | 882658
        D-LINK                  | D190 | 790069
        DELL                    | 802U | 884116
        HP                      | H315 | 196337
        HPE                     | H8E1 | 190017
        LENOVO                  | L7B3 | 196801
        LOGITECH                | L025 | 097855
        MICROSOFT               | M412 | 889842
        SAMSUNG                 | S7A2 | 887276
        TARGUS                  | T610 | 092636
        YEALINK                 | Y204 | 841947
        ZEBRA                   | Z118 | 663179
    """)
}

# Part numbers from the published order examples (and the validate-quote example, for YN6231 and
# YN6551). part | vendor part | vendor | description | price | weight (lb, "-" = none) | type |
# UPC ("?" = invent one, "-" = empty, as the examples show for some parts). Vendor part numbers,
# vendor names, descriptions and prices come from the examples where they give them.
DOC_PARTS = table("""
    DF4128  | 920-002555         | LOGITECH      | MK520 WIRELESS KEYBOARD MOUSE COMBO US
            | 61.22    | 2.1  | P | ?
    4U0212  | BE600M1            | APC           | BACK-UPS 600VA 330W 7 OUTLET USB UPS
            | 70.84    | 12.4 | P | ?
    RQ6000  | R0Q80B             | HPE           | MSA 2060 16GB FC SFF STORAGE ARRAY BUNDLE
            | 34205.10 | 64.0 | P | ?
    2GZ200  | SIP-T46S           | YEALINK       | SIP-T46S GIGABIT IP PHONE 16 LINES POE
            | 139.00   | 2.9  | P | ?
    1C6094  | MZ-V8V1T0B/AM      | SAMSUNG       | 980 1TB PCIE 3.0 NVME M.2 SSD
            | 74.99    | 0.2  | P | ?
    TXSLM3  | TBT92602GL         | TARGUS        | GRID HIGH-IMPACT SLIM CASE 10.2IN IPAD
            | 38.50    | 0.7  | P | ?
    YN6231  | C9200L-24P-4G-E    | CISCO         | CATALYST 9200L 24P POE+ 4X1G UPLINK
            | 2795.00  | 11.8 | P | ?
    YN6551  | C9200L-DNA-E-24-3Y | CISCO         | C9200L DNA ESSENTIALS 24P 3Y TERM LIC
            | 650.00   | -    | S | -
    4AW708  | BE7H-M5-K9         | CISCO - HW UNIFIED COMM | BUSINESS ED 7000H M5 APPL
            | 20887.57 | 36.4 | P | -
    5CX895  | TC57HO-1PEZU4P-NA  | ZEBRA         | TC57 TOUCH COMPUTER LTE 4GB 32GB ANDROID
            | 1495.00  | 1.2  | P | ?
    8RB884  | MYD82LL/A          | APPLE         | MACBOOK PRO 13IN M1 8GB 256GB SPACE GRAY
            | 1258.33  | 3.0  | P | ?
    8RB881  | MGN73LL/A          | APPLE         | MACBOOK AIR 13IN M1 8GB 512GB SPACE GRAY
            | 1210.42  | 2.8  | P | ?
    9VL970  | Z15G001XM          | APPLE         | MACBOOK PRO 16IN M1 MAX 64GB 4TB CTO
            | 5714.58  | 4.7  | P | ?
    9YG948  | SCPG2LL/A          | APPLE         | APPLECARE+ FOR MACBOOK AIR 13IN M1 3YR
            | 203.13   | -    | S | -
    9HG002  | S9736LL/A          | APPLE         | APPLECARE PROTECTION PLAN MACBOOK PRO 13IN
            | 181.25   | -    | S | -
    9HF999  | S9788LL/A          | APPLE         | APPLECARE+ FOR IPAD PRO 11IN 2YR
            | 144.79   | -    | S | -
    CD98075 | DGS-1510-28X       | D-LINK        | DGS-1510-28X 28P SMART MANAGED SWITCH
            | 290.00   | 7.9  | P | ?
    4008025 | 90NB0GI4-M03110    | ASUS          | ZENBOOK PRO 14 DUO OLED I9 32GB 1TB RTX4060
            | 2218.00  | 3.8  | P | ?
    4A0036  | E2016HV            | DELL          | 20IN MONITOR E2016HV 210-AGLU MNTR
            | 41.71    | 9.3  | P | 0884116186519
    TSXML1  | F3U133B06          | BELKIN        | USB 2.0 A/B DEVICE CABLE 6FT
            | 7.15     | 0.2  | P | ?
    YZ1478  | LH75QMCEBGCXZA     | SAMSUNG       | 75IN QMC SERIES 4K UHD SIGNAGE DISPLAY
            | 2802.71  | 82.0 | P | ?
""")


@dataclass(frozen=True)
class PoolValue:
    """A value for a {placeholder}; it may set the base price or scale it."""

    text: str
    price: float | None = None  # "TEXT @ 99": the item's typical price
    factor: float = 1.0  # "TEXT * 1.2": scales the price


def pool_value(cell: str) -> PoolValue:
    if " @ " in cell:
        text, price = cell.split(" @ ")
        return PoolValue(text, price=float(price))
    if " * " in cell:
        text, factor = cell.split(" * ")
        return PoolValue(text, factor=float(factor))
    return PoolValue(cell)


# Value pools for the {placeholders} in TEMPLATES.
POOLS: dict[str, list[PoolValue]] = {
    row[0]: [pool_value(cell) for cell in row[1:]]
    for row in table("""
    cpu         | I5-1335U * 0.9 | I5-1345U * 0.95 | I7-1355U * 1.1 | I7-1365U * 1.15
                | ULTRA 5 125U | ULTRA 7 155U * 1.2 | RYZEN 5 PRO 7540U * 0.9
                | RYZEN 7 PRO 7840U * 1.05
    cpu_d       | I3-13100 * 0.8 | I5-13500 | I5-14500 * 1.05 | I7-13700 * 1.2 | I7-14700 * 1.25
    ram         | 8GB * 0.85 | 16GB | 32GB * 1.2 | 64GB * 1.45
    ssd         | 256GB * 0.9 | 512GB | 1TB * 1.12 | 2TB * 1.3
    os          | W11P | W11H * 0.95 | W11P DG W10P
    size_mon    | 23.8IN * 0.8 | 27IN | 31.5IN * 1.3 | 34IN * 1.45
    res         | FHD * 0.8 | QHD | 4K UHD * 1.35
    term        | 1YR * 0.45 | 3YR | 4YR * 1.3 | 5YR * 1.6
    hp_nb       | 640 G10 * 0.85 | 840 G10 | 860 G10 * 1.05 | 1040 G11 * 1.3
    hp_printer  | 3001DW @ 249 | 4001DN @ 399 | 4001DW @ 449 | 4101FDW @ 549 | M507DN @ 799
    toner       | 26A @ 139 | 58A @ 129 | 58X @ 219 | 89A @ 179 | 89X @ 279 | 148A @ 89
                | 151A @ 109 | 151X @ 169
    hp_mon      | E24 G5 @ 189 | E27 G5 @ 259 | Z27K G3 @ 589 | P24H G5 @ 159 | E34M G4 @ 449
    lenovo_nb   | T14 G4 | T14S G4 * 1.1 | X1 CARBON G11 * 1.45 | L14 G4 * 0.85 | E16 G1 * 0.75
                | P16S G2 * 1.2
    lenovo_mon  | T24I-30 @ 199 | T27H-30 @ 349 | P27H-30 @ 399 | T32P-30 @ 599 | E24-28 @ 169
    lenovo_dock | UNIVERSAL USB-C @ 229 | THUNDERBOLT 4 WORKSTATION @ 379
                | HYBRID USB-C WITH USB-A @ 249 | USB-C TRAVEL HUB GEN2 @ 69
    cisco_ports | 24 | 48 * 1.6
    cisco_ap    | MR36 @ 549 | MR44 @ 899 | MR46 @ 1099 | MR56 @ 1399 | MR57 @ 1599
                | CW9162I @ 749 | CW9164I @ 999 | CW9166I @ 1299
    cisco_phone | 7821 @ 179 | 7841 @ 219 | 7861 @ 299 | 8811 @ 329 | 8841 @ 369 | 8845 @ 449
                | 8851 @ 429 | 8865 @ 549
    cisco_lic   | MERAKI MR ENTERPRISE LICENSE @ 150 | MERAKI MS120-24P ENT LICENSE @ 200
                | MERAKI MX67 ADV SECURITY LICENSE @ 550 | WEBEX CALLING PROF USER LICENSE @ 240
                | UMBRELLA DNS ESSENTIALS USER LIC @ 30 | DUO ADVANTAGE USER SUBSCRIPTION @ 72
    years       | 1YR | 3YR * 2.6 | 5YR * 4
    apple_size  | 13IN | 15IN * 1.2
    apple_chip  | M2 * 0.85 | M3 | M4 * 1.1
    apple_ram   | 8GB * 0.9 | 16GB | 24GB * 1.2 | 32GB * 1.4
    apple_color | SPACE GRAY | SILVER | MIDNIGHT | STARLIGHT
    ipad        | IPAD AIR 11IN M2 @ 599 | IPAD AIR 13IN M2 @ 799 | IPAD PRO 11IN M4 @ 999
                | IPAD 10.9IN A14 @ 349
    ipad_stor   | 64GB * 0.85 | 128GB | 256GB * 1.2 | 512GB * 1.5
    apple_acc   | MAGIC KEYBOARD WITH TOUCH ID US @ 149 | MAGIC MOUSE WHITE MULTI-TOUCH @ 79
                | MAGIC TRACKPAD WHITE @ 129 | APPLE PENCIL PRO @ 129
                | USB-C TO MAGSAFE 3 CABLE 2M @ 49 | 96W USB-C POWER ADAPTER @ 79
                | MAGIC KEYBOARD FOR IPAD PRO 11IN US @ 299
    apple_cover | MACBOOK AIR 13IN @ 199 | MACBOOK AIR 15IN @ 229 | MACBOOK PRO 14IN @ 279
                | IPAD AIR @ 79 | IPAD PRO 13IN @ 149 | IMAC 24IN @ 169
    dell_nb     | 3540 * 0.75 | 5440 | 5540 * 1.05 | 7440 * 1.25 | 7640 * 1.3 | 9440 * 1.5
    dell_dt     | 3000 * 0.8 | 5000 | 7010 * 1.1 | 7020 * 1.15
    dell_mon    | P2423D 23.8IN QHD @ 279 | P2725H 27IN FHD @ 229 | U2724D 27IN QHD @ 449
                | U3223QE 31.5IN 4K @ 879 | E2424HS 23.8IN FHD @ 169 | S2721DS 27IN QHD @ 249
    dell_dock   | WD19S 130W DOCK @ 229 | WD22TB4 THUNDERBOLT DOCK @ 299
                | UD22 UNIVERSAL DOCK @ 289 | DA310 USB-C MOBILE ADAPTER @ 79
    logi_mouse  | MX MASTER 3S PERFORMANCE WIRELESS MOUSE @ 99
                | M720 TRIATHLON MULTI-DEVICE MOUSE @ 49 | LIFT VERTICAL ERGONOMIC MOUSE @ 69
                | M325S WIRELESS MOUSE @ 19 | MX ANYWHERE 3S MOUSE @ 79
                | SIGNATURE M650 WIRELESS MOUSE @ 39
    logi_kb     | MX KEYS S WIRELESS KEYBOARD US @ 109 | MK270 WIRELESS KEYBOARD MOUSE COMBO @ 29
                | K380 MULTI-DEVICE BLUETOOTH KEYBOARD @ 39 | ERGO K860 SPLIT KEYBOARD @ 129
                | MK540 ADVANCED WIRELESS COMBO @ 49 | K120 USB KEYBOARD US @ 15
    logi_cam    | C920S HD PRO WEBCAM 1080P @ 69 | BRIO 4K ULTRA HD WEBCAM @ 199
                | C925E BUSINESS WEBCAM @ 89 | BRIO 505 BUSINESS WEBCAM @ 129
    logi_conf   | MEETUP CONFERENCECAM 4K @ 899 | RALLY BAR MINI VIDEO BAR @ 2999
                | RALLY BAR HUDDLE @ 1599 | TAP IP TOUCH CONTROLLER @ 699
    logi_color  | GRAPHITE | OFF-WHITE | ROSE | BLACK | PALE GREY
    logi_hs     | ZONE VIBE 100 WIRELESS HEADSET @ 99 | H390 USB COMPUTER HEADSET @ 29
                | ZONE WIRED EARBUDS TEAMS @ 99 | ZONE 300 BLUETOOTH HEADSET @ 79
                | H570E STEREO HEADSET @ 45
    surface     | SURFACE PRO 10 | SURFACE PRO 11 * 1.05 | SURFACE LAPTOP 6 13.5IN
                | SURFACE LAPTOP 6 15IN * 1.15 | SURFACE LAPTOP GO 3 * 0.65
    ms_lic      | M365 BUSINESS STANDARD NCE 1YR @ 150 | M365 BUSINESS PREMIUM NCE 1YR @ 264
                | WINDOWS SERVER 2022 STD 16 CORE @ 1069 | SQL SERVER 2022 STANDARD 2 CORE @ 3945
                | WINDOWS 11 PRO UPGRADE @ 199 | EXCHANGE ONLINE PLAN 1 NCE 1YR @ 48
                | VISIO PLAN 2 NCE 1YR @ 180 | PROJECT PLAN 3 NCE 1YR @ 360
                | WINDOWS SERVER 2022 5 USER CAL @ 229
    ms_acc      | SURFACE DOCK 2 @ 259 | SURFACE ARC MOUSE BLACK @ 79
                | SURFACE PRO KEYBOARD BLACK @ 139 | MODERN WIRELESS HEADSET @ 99
                | SURFACE THUNDERBOLT 4 DOCK @ 299 | SURFACE SLIM PEN 2 @ 129
    sam_ssd     | 990 PRO 2TB PCIE 4.0 NVME M.2 SSD @ 179 | 870 EVO 1TB 2.5IN SATA SSD @ 89
                | T7 SHIELD 2TB PORTABLE SSD @ 169 | 990 EVO 1TB NVME M.2 SSD @ 99
                | T9 4TB PORTABLE SSD @ 349 | PM9A3 3.84TB U.2 DATACENTER SSD @ 899
    sam_mon     | ODYSSEY G5 | VIEWFINITY S8 * 1.3 | SMART MONITOR M7 * 1.2 | ESSENTIAL S3 * 0.7
                | ODYSSEY OLED G8 * 2.4
    sam_tab     | S9 FE @ 449 | S9 @ 799 | A9+ @ 219 | S10+ @ 999 | ACTIVE5 @ 539
    sam_stor    | 64GB * 0.9 | 128GB | 256GB * 1.2
    sam_color   | GRAPHITE | SILVER | MINT | LAVENDER
    ddr5        | 8GB @ 35 | 16GB @ 55 | 32GB @ 105 | 48GB @ 159
""")
}


@dataclass(frozen=True)
class Template:
    """One kind of generated item; {placeholders} are filled from POOLS."""

    vendor: str
    kind: str
    product_type: str  # P physical, S service / licence / electronic delivery
    vendor_part: str  # Faker bothify pattern: '#' a digit, '?' an uppercase letter
    description: str
    price: tuple[float, float]  # base price range, unless a chosen pool value sets the price
    weight: tuple[float, float] | None


def span(text: str) -> tuple[float, float] | None:
    if text == "-":
        return None
    low, high = text.split("-")
    return float(low), float(high)


# vendor | kind | type | vendor part pattern | description | base price range | weight (lb).
# A base of "1-1" is a placeholder: a pool value with "@ price" sets the price of those items.
TEMPLATES: list[Template] = []
for _vendor, _kind, _type, _vpn, _desc, _price, _weight in table("""
    HP        | laptop    | P | #??##UT#ABA         | ELITEBOOK {hp_nb} {cpu} {ram} {ssd} {os}
              | 1250-1500 | 3.0-3.6
    HP        | desktop   | P | #??##UT#ABA         | ELITEDESK 800 G9 SFF {cpu_d} {ram} {ssd} {os}
              | 850-1000  | 10.0-12.5
    HP        | printer   | P | #??##A#BGJ          | LASERJET PRO {hp_printer} MONO LASER PRINTER
              | 1-1       | 18.0-35.0
    HP        | toner     | P | W####?              | HP {toner} BLACK LASERJET TONER CARTRIDGE
              | 1-1       | 1.2-2.8
    HP        | monitor   | P | #??##AA#ABA         | HP {hp_mon} {res} IPS MONITOR
              | 1-1       | 9.0-16.0
    HP        | service   | S | U??##E              | CARE PACK {term} NBD ONSITE NOTEBOOK SVC
              | 180-260   | -
    LENOVO    | laptop    | P | 21??00##US          | THINKPAD {lenovo_nb} {cpu} {ram} {ssd} {os}
              | 1200-1450 | 2.4-3.6
    LENOVO    | desktop   | P | 12??00##US          | THINKCENTRE M70Q G4 {cpu_d} {ram} {ssd} {os}
              | 700-850   | 2.5-3.0
    LENOVO    | monitor   | P | 6###??R#US          | THINKVISION {lenovo_mon} MONITOR
              | 1-1       | 8.0-17.0
    LENOVO    | dock      | P | 40??####US          | THINKPAD {lenovo_dock} DOCK
              | 1-1       | 0.3-2.5
    LENOVO    | service   | S | 5WS#?#####          | PREMIER SUPPORT {term} ONSITE NBD UPG
              | 200-300   | -
    CISCO     | switch    | P | C9200L-{cisco_ports}P-4X-??
              | CATALYST 9200L {cisco_ports}P POE+ 4X10G UPLINK SWITCH | 2500-2900 | 11.0-17.0
    CISCO     | ap        | P | {cisco_ap}-??-#     | {cisco_ap} WI-FI 6 INDOOR ACCESS POINT
              | 1-1       | 1.5-3.0
    CISCO     | phone     | P | CP-{cisco_phone}-3PCC-K9-?#
              | IP PHONE {cisco_phone} MULTIPLATFORM FIRMWARE | 1-1 | 2.0-3.5
    CISCO     | licence   | S | LIC-??-##-{years}   | {cisco_lic} {years}
              | 1-1       | -
    APPLE     | laptop    | P | M???#LL/A
              | MACBOOK AIR {apple_size} {apple_chip} {apple_ram} {ssd} {apple_color}
              | 1150-1300 | 2.7-3.3
    APPLE     | tablet    | P | M???#LL/A           | {ipad} WIFI {ipad_stor} {apple_color}
              | 1-1       | 1.0-1.5
    APPLE     | accessory | P | M???#AM/A           | {apple_acc}
              | 1-1       | 0.2-1.5
    APPLE     | service   | S | S####LL/A           | APPLECARE+ FOR {apple_cover}
              | 1-1       | -
    DELL      | laptop    | P | N0##L{dell_nb}##US  | LATITUDE {dell_nb} {cpu} {ram} {ssd} {os}
              | 1100-1300 | 3.0-4.2
    DELL      | desktop   | P | N0##O{dell_dt}##US
              | OPTIPLEX {dell_dt} SFF {cpu_d} {ram} {ssd} {os}     | 750-900   | 9.0-13.0
    DELL      | monitor   | P | 210-????            | DELL {dell_mon} MONITOR
              | 1-1       | 8.0-18.0
    DELL      | dock      | P | 210-????            | DELL {dell_dock}
              | 1-1       | 0.5-2.5
    DELL      | service   | S | ###-????            | PROSUPPORT PLUS {term} NBD ONSITE UPG
              | 250-350   | -
    LOGITECH  | mouse     | P | 910-00####          | {logi_mouse} {logi_color}
              | 1-1       | 0.2-0.6
    LOGITECH  | keyboard  | P | 920-0#####          | {logi_kb}
              | 1-1       | 0.8-2.5
    LOGITECH  | webcam    | P | 960-00####          | {logi_cam}
              | 1-1       | 0.3-0.7
    LOGITECH  | conference| P | 960-00####          | {logi_conf}
              | 1-1       | 2.5-7.0
    LOGITECH  | headset   | P | 981-00####          | {logi_hs} {logi_color}
              | 1-1       | 0.3-0.8
    MICROSOFT | device    | P | ???-#####           | {surface} {cpu} {ram} {ssd} W11P
              | 1150-1350 | 1.7-3.4
    MICROSOFT | licence   | S | ???-#####           | {ms_lic}
              | 1-1       | -
    MICROSOFT | accessory | P | ???-#####           | {ms_acc}
              | 1-1       | 0.2-2.5
    SAMSUNG   | ssd       | P | MZ-????#T#B/AM      | {sam_ssd}
              | 1-1       | 0.1-0.4
    SAMSUNG   | monitor   | P | LS##?###??XZA       | {sam_mon} {size_mon} {res} MONITOR
              | 260-340   | 8.0-20.0
    SAMSUNG   | tablet    | P | SM-X###NZ?AXAR
              | GALAXY TAB {sam_tab} WIFI {sam_stor} {sam_color} | 1-1 | 1.0-1.6
    SAMSUNG   | memory    | P | M###A#K##??#-C??    | {ddr5} DDR5 5600 SODIMM MEMORY
              | 1-1       | 0.1-0.1
"""):
    _price_span = span(_price)
    assert _price_span is not None
    TEMPLATES.append(
        Template(_vendor, _kind, _type, _vpn, _desc, _price_span, span(_weight)),
    )


@dataclass(frozen=True)
class QuotePlan:
    name: str
    status: str
    customer: str | None
    lines: tuple[tuple[str, int], ...]  # (part number, or "@kind" for a generated item; quantity)
    created: date | None = None  # None: a recent date picked by the generator
    expiry: date = date(2099, 12, 31)


# What each quote is for is listed in fixtures/README.md; keep the two in step.
QUOTE_PLANS = (
    QuotePlan("Branch office phones", "READY", None, (("2GZ200", 12), ("1C6094", 12))),
    QuotePlan(
        "MacBook fleet (customer 20-222222 only)",
        "READY",
        "20-222222",
        (("8RB884", 10), ("8RB881", 5), ("9YG948", 15)),
    ),
    QuotePlan(
        "Year-end monitor promo",
        "EXPIRED",
        None,
        (("4A0036", 25),),
        created=date(2023, 12, 4),
        expiry=date(2024, 1, 31),
    ),
    QuotePlan(
        "Office refresh with backorder",
        "READY",
        None,
        (("4U0212", 3), ("DF4128", 6), ("TXSLM3", 2), ("YZ1478", 1)),
    ),
    QuotePlan(
        "Collaboration appliance and switching",
        "READY",
        None,
        (("4AW708", 1), ("YN6231", 4), ("YN6551", 4)),
    ),
    QuotePlan("Datacenter storage", "READY", None, (("RQ6000", 1),)),
    QuotePlan("Laptop refresh", "READY", None, (("@laptop", 20), ("@laptop", 10), ("@dock", 30))),
    QuotePlan("Licence renewal", "READY", None, (("@licence", 50), ("@licence", 25))),
)

UPPER = string.ascii_uppercase
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def upc_a(rng: random.Random, prefix: str) -> str:
    """A 12-digit UPC-A code with a valid check digit."""
    body = prefix + "".join(rng.choice(string.digits) for _ in range(11 - len(prefix)))
    odd = sum(int(c) for c in body[0::2])
    even = sum(int(c) for c in body[1::2])
    return body + str((10 - (odd * 3 + even) % 10) % 10)


def ingram_part_number(rng: random.Random, taken: set[str]) -> str:
    """A fresh six-character part number shaped like the ones in the examples (DF4128, 4U0212,
    2GZ200, TXSLM3): letters (no I or O) and digits, ending in a digit."""
    while True:
        shape = rng.choice(("LL####", "#L####", "#LL###", "L#L###", "LL#L##", "LLLL##"))
        candidate = "".join(rng.choice(LETTERS if c == "L" else string.digits) for c in shape)
        if candidate not in taken and candidate not in REJECTED_PART_NUMBERS:
            taken.add(candidate)
            return candidate


def placeholders(template: Template) -> list[str]:
    names: list[str] = []
    for text in (template.vendor_part, template.description):
        for _, field, _, _ in string.Formatter().parse(text):
            if field and field not in names:
                names.append(field)
    return names


def generated_price(rng: random.Random, template: Template, picked: list[PoolValue]) -> float:
    """Typical price of the chosen item (or the template's range), scaled by the chosen options,
    with a little noise; always between 1 and 5000."""
    anchors = [value.price for value in picked if value.price is not None]
    price = anchors[0] * rng.uniform(0.92, 1.08) if anchors else rng.uniform(*template.price)
    for value in picked:
        price *= value.factor
    return min(max(price, 1.0), 4999.99)


def physical_stock(rng: random.Random) -> dict[str, int]:
    """Plenty everywhere except the download-only warehouse."""
    stock: dict[str, int] = {}
    for wid in sorted(WAREHOUSES):
        if wid == DOWNLOAD_WAREHOUSE:
            stock[wid] = 0
        elif WAREHOUSES[wid]["countryCode"] == "US":
            stock[wid] = rng.randint(40, 1500)
        else:
            stock[wid] = rng.randint(15, 400)
    return stock


def digital_stock() -> dict[str, int]:
    return dict.fromkeys(sorted(WAREHOUSES), DIGITAL_STOCK)


def make_product(
    *,
    ingram: str,
    vendor_part: str,
    vendor: str,
    description: str,
    price: float,
    upc: str,
    weight: float | None,
    product_type: str,
    stock: dict[str, int],
) -> Product:
    return {
        "ingramPartNumber": ingram,
        "vendorPartNumber": vendor_part,
        "vendorName": vendor,
        "vendorNumber": VENDORS[vendor][0],
        "description": description,
        "unitPrice": round(price, 2),
        "upcCode": upc,
        "unitWeight": None if weight is None else round(weight, 1),
        "weightUom": None if weight is None else "LB",
        "productType": product_type,
        "stock": stock,
    }


def doc_products(rng: random.Random) -> list[Product]:
    products: list[Product] = []
    for ingram, vendor_part, vendor, description, price, weight, kind, upc_code in DOC_PARTS:
        if kind == "S":
            stock = digital_stock()
        elif ingram == ZERO_STOCK_PART:
            stock = dict.fromkeys(sorted(WAREHOUSES), 0)
        elif ingram == LOW_STOCK_PART:
            stock = {wid: LOW_STOCK.get(wid, 0) for wid in sorted(WAREHOUSES)}
        else:
            stock = physical_stock(rng)
        upc = upc_a(rng, VENDORS[vendor][1]) if upc_code == "?" else upc_code
        products.append(
            make_product(
                ingram=ingram,
                vendor_part=vendor_part,
                vendor=vendor,
                description=description,
                price=float(price),
                upc="" if upc == "-" else upc,
                weight=None if weight == "-" else float(weight),
                product_type=kind,
                stock=stock,
            )
        )
    return products


def generated_products(
    rng: random.Random, fake: Faker, taken_parts: set[str], taken_vendor_parts: set[str]
) -> tuple[list[Product], dict[str, str]]:
    """GENERATED_PRODUCTS Faker-made items, and each one's kind (laptop, licence, ...)."""
    products: list[Product] = []
    kinds: dict[str, str] = {}
    while len(products) < GENERATED_PRODUCTS:
        template = rng.choice(TEMPLATES)
        picked = {name: rng.choice(POOLS[name]) for name in placeholders(template)}
        choices = {name: value.text for name, value in picked.items()}
        vendor_part = fake.bothify(template.vendor_part.format(**choices), letters=UPPER)
        if vendor_part in taken_vendor_parts:
            continue
        taken_vendor_parts.add(vendor_part)
        ingram = ingram_part_number(rng, taken_parts)
        digital = template.product_type == "S"
        products.append(
            make_product(
                ingram=ingram,
                vendor_part=vendor_part,
                vendor=template.vendor,
                description=template.description.format(**choices),
                price=generated_price(rng, template, list(picked.values())),
                upc="" if digital else upc_a(rng, VENDORS[template.vendor][1]),
                weight=None if template.weight is None else rng.uniform(*template.weight),
                product_type=template.product_type,
                stock=digital_stock() if digital else physical_stock(rng),
            )
        )
        kinds[ingram] = template.kind
    return products, kinds


def build_catalog() -> tuple[Catalog, dict[str, str]]:
    rng = random.Random(SEED)
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    docs = doc_products(rng)
    taken_parts = {p["ingramPartNumber"] for p in docs}
    taken_vendor_parts = {p["vendorPartNumber"] for p in docs}
    generated, kinds = generated_products(rng, fake, taken_parts, taken_vendor_parts)
    warehouses = {wid: WAREHOUSES[wid] for wid in sorted(WAREHOUSES)}
    return {"warehouses": warehouses, "products": [*docs, *generated, branch_limited()]}, kinds


def branch_limited() -> Product:
    product = make_product(
        ingram=BRANCH_LIMITED_PART,
        vendor_part="960-001102-BR",
        vendor="LOGITECH",
        description="RALLY CONFERENCE CAMERA KIT (SHIPS FROM 10 AND 40 ONLY)",
        price=899.0,
        upc="",
        weight=6.5,
        product_type="P",
        stock={wid: 250 if wid in BRANCH_LIMITED_WAREHOUSES else 0 for wid in sorted(WAREHOUSES)},
    )
    product["shipsFrom"] = list(BRANCH_LIMITED_WAREHOUSES)
    return product


def quote_number(rng: random.Random, taken: set[str]) -> str:
    while True:
        digits = "".join(rng.choice(string.digits) for _ in range(8))
        suffix = "".join(rng.choice(UPPER) + rng.choice(string.digits) for _ in range(3))
        number = f"QUO-{digits}-{suffix}"
        if number not in taken:
            taken.add(number)
            return number


def build_quotes(products: list[Product], kinds: dict[str, str]) -> Quotes:
    # Own generators, so quote numbers stay put when the catalog generation changes.
    rng = random.Random(SEED)
    fake = Faker("en_US")
    fake.seed_instance(SEED)
    price = {p["ingramPartNumber"]: p["unitPrice"] for p in products}
    by_kind: dict[str, list[str]] = {}
    for part, kind in kinds.items():
        by_kind.setdefault(kind, []).append(part)
    taken: set[str] = set()
    quotes: list[Quote] = []
    for plan in QUOTE_PLANS:
        lines: list[QuoteLine] = []
        for index, (ref, quantity) in enumerate(plan.lines, start=1):
            part = by_kind[ref[1:]].pop(0) if ref.startswith("@") else ref
            discount = rng.uniform(0.03, 0.12)
            lines.append(
                {
                    "quoteLineNumber": f"{index:03d}",
                    "ingramPartNumber": part,
                    "quantity": quantity,
                    "unitPrice": round(price[part] * (1 - discount), 2),
                }
            )
        created = plan.created or date(2026, 9, 1) + timedelta(days=rng.randint(0, 80))
        quotes.append(
            {
                "quoteNumber": quote_number(rng, taken),
                "quoteName": plan.name,
                "status": plan.status,
                "customerNumber": plan.customer,
                "currencyCode": "USD",
                "createdDate": created.isoformat(),
                "expiryDate": plan.expiry.isoformat(),
                "endUserCompanyName": fake.company().upper(),
                "lines": lines,
            }
        )
    return {"quotes": quotes}


def check_regions() -> None:
    """Stop if the hand-written regions.json names a warehouse the catalog does not have."""
    if not REGIONS_PATH.exists():
        return
    regions = json.loads(REGIONS_PATH.read_text(encoding="utf-8"))
    named = {wid for region in regions["regions"] for wid in region["warehouses"]}
    unknown = sorted(named - set(WAREHOUSES))
    if unknown:
        sys.exit(f"regions.json names unknown warehouses: {', '.join(unknown)}")


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    Faker.seed(SEED)
    catalog, kinds = build_catalog()
    quotes = build_quotes(catalog["products"], kinds)
    FIXTURES.mkdir(exist_ok=True)
    write_json(CATALOG_PATH, catalog)
    write_json(QUOTES_PATH, quotes)
    check_regions()
    print(f"wrote {len(catalog['products'])} products to {CATALOG_PATH.relative_to(ROOT)}")
    print(f"wrote {len(quotes['quotes'])} quotes to {QUOTES_PATH.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
