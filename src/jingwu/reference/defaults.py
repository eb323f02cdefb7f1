"""Default reference data (pure): the registry of outside departments."""

from __future__ import annotations

# (code, kind, Chinese name, English name)
DEPARTMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("110", "emergency_110", "110 指挥中心", "110 Command Centre"),
    ("city_management", "city_management", "城市管理局", "City Management Bureau"),
    ("fire_rescue", "fire", "消防救援大队", "Fire and Rescue Brigade"),
    ("civil_affairs", "civil_affairs", "民政局", "Civil Affairs Bureau"),
    ("health", "health", "卫生健康局", "Health Commission"),
    ("street_office", "street_office", "街道办事处", "Street Office"),
    ("market_regulation", "market_regulation", "市场监督管理局", "Market Regulation Bureau"),
    ("housing", "housing", "住房和城乡建设局", "Housing and Construction Bureau"),
    ("education", "education", "教育局", "Education Bureau"),
    ("emergency_management", "emergency_management", "应急管理局", "Emergency Management Bureau"),
    ("human_resources", "human_resources", "人力社保局", "Human Resources and Social Security"),
    ("traffic_police", "traffic_police", "交警大队", "Traffic Police Brigade"),
    ("judicial_office", "judicial", "司法所", "Judicial Office"),
    ("womens_federation", "womens_federation", "妇女联合会", "Women's Federation"),
    ("ecology_environment", "environment", "生态环境分局", "Ecology and Environment Bureau"),
    ("community_committee", "community_committee", "社区居民委员会", "Residents' Committee"),
    ("property_management", "property_management", "物业服务企业", "Property Management Company"),
)  # fmt: skip
