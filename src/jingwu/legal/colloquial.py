"""Everyday words and the statutes' words for the same thing (pure data).

A citizen says 噪音, 房东, 驾照, 打人; the statutes say 噪声, 出租人, 驾驶证, 殴打. A query is
searched with its own terms plus, for each term listed here, the statutory words (cut by the
same tokeniser). Written from the misses of the odd-numbered half of the evaluation questions
(bench/data/legal_eval.jsonl); the even half is the held-out check (docs/legal.md).
"""

from __future__ import annotations

import re

COLLOQUIAL: dict[str, str] = {
    # noise, neighbours, animals
    "噪音": "噪声",
    "吵": "噪声 干扰",
    "扰民": "干扰 正常生活",
    "狗": "犬 动物 饲养",
    "养狗": "饲养 动物",
    "主人": "饲养人 管理人",
    "宠物": "饲养 动物",
    # violence, theft, fraud, rumours
    "打": "殴打",
    "打人": "殴打",
    "被打": "殴打",
    "小偷": "盗窃",
    "偷": "盗窃",
    "骗": "诈骗",
    "骗钱": "诈骗 招摇撞骗",
    "造谣": "散布 谣言",
    "大吵大闹": "扰乱 秩序",
    "看病": "医疗",
    "刀": "管制 器具",
    "刀具": "管制 器具",
    "警察": "人民警察 公安机关",
    "孩子": "未成年人 子女",
    "小孩": "未成年人 子女",
    # buildings, renting, lending
    "扔": "抛掷",
    "窗外": "建筑物",
    "房东": "出租人",
    "租客": "承租人",
    "租": "租赁",
    "漏水": "维修",
    "借钱": "借款",
    "欠钱": "借款 债务",
    "还钱": "返还 借款",
    "同居": "共同生活",
    "彩礼": "借婚姻 索取 财物",
    "索要": "索取",
    "老婆": "妻子 配偶",
    "老公": "丈夫 配偶",
    # traffic
    "车": "机动车",
    "开车": "驾驶 机动车",
    "驾照": "驾驶证",
    "交强险": "第三者 责任 强制 保险",
    "电子眼": "交通 技术 监控",
    "超载": "超过 核定",
    "拉人": "载人",
    "翻越": "跨越",
    "护栏": "隔离 设施",
    "横穿马路": "横过 道路",
    "感冒药": "药品",
    "犯困": "疲劳",
    "太累": "疲劳",
    "喝酒": "饮酒",
    "喝了酒": "饮酒",
    "酒驾": "饮酒 驾驶",
    "醉驾": "醉酒 驾驶",
    "没经过": "未经 允许",
    # work
    "辞退": "解除 劳动合同",
    "开除": "解除 劳动合同",
    "辞职": "解除 劳动合同",
    "离职": "解除 终止 劳动合同",
    "离职证明": "解除 终止 劳动合同 证明",
    "老板": "用人单位",
    "公司": "用人单位",
    "员工": "劳动者",
    "工人": "劳动者",
    "工资": "劳动报酬 工资",
    "社保": "社会保险",
    "打工": "务工 工作",
    # consumers, networks
    "网购": "网络 交易",
    "平台": "网络 服务 提供者 交易平台",
    "发帖": "网络用户 利用 网络",
    "银行卡": "银行账户",
    "手机卡": "电话卡",
    # community, courts, schools
    "居委会": "居民委员会",
    "村委会": "村民委员会",
    "出国": "出境",
    "官司": "诉讼 案件",
    "打官司": "诉讼",
    "免费": "无偿 不收取 费用",
    "上学": "入学 义务教育",
    "外地": "非户籍所在地",
    "托付": "委托 照护",
    "照顾": "照料 照护",
    "选出来": "选举",
    "负责": "职责",
    "效力": "法律约束力",
}

# 十三岁, 16岁 → 周岁 (the statutes count ages in 周岁)
_AGE = re.compile(r"[0-9一二三四五六七八九十]+岁")


def expansions(text: str, terms: list[str]) -> list[str]:
    """The statutory words to add for ``text`` whose terms are ``terms`` (uncut strings)."""
    extra = [COLLOQUIAL[t] for t in terms if t in COLLOQUIAL]
    if _AGE.search(text) and "周岁" not in text:
        extra.append("周岁")
    return extra
