"""Chinese text for the generated data: marketplace product titles, search queries and shopping reviews.

Chinese titles and reviews are mostly written without spaces between words ("小米无线蓝牙耳机降噪黑色"), mixed
with English brands, model codes and units ("Anker充电宝10000mAh"). A word tokenizer that splits on spaces and
punctuation (scikit-learn's default ``token_pattern``) then sees a whole run as one token; character n-grams or a
segmenter (jieba) see its words. The builders here draw such texts from vocabularies that overlap across classes,
so that the Chinese datasets are as hard as the English ones for a model that reads Chinese.

- :func:`case_titles_zh`: titles and brands for :func:`ecombalance.data.datasets.documented_case` (``lang="zh"``).
- :data:`SEARCH_TYPES_ZH`, :data:`SEARCH_BRANDS_ZH`, :data:`SEARCH_ADJECTIVES_ZH` and :func:`bigram_jaccard`:
  the Chinese search log (:func:`ecombalance.data.datasets.search_log`, ``lang="zh"``).
- :func:`reviews_zh`: reviews of ten product categories for :func:`ecombalance.data.shapes.chinese_reviews`.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

LANGUAGES = ("en", "zh")
"""Languages of the generated datasets: English and (simplified) Chinese."""


def check_lang(lang) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {list(LANGUAGES)} (English or Chinese generated data), got {lang!r}")
    return lang


def _joined(pieces: Sequence[str], style: int) -> str:
    """Pieces of a title in one of three marketplace styles: 0 spaced, 1 brand apart and the rest run together,
    2 all run together (the common case that breaks space-based word tokens)."""
    pieces = [p for p in pieces if p]
    if style == 0:
        return " ".join(pieces)
    text = pieces[0] + (" " if style == 1 else "")
    for piece in pieces[1:]:  # Latin words stay apart from each other: "JBL GT 5", not "JBLGT 5"
        text += (" " if text[-1].isascii() and text[-1].isalnum() and piece[0].isascii() and piece[0].isalnum()
                 else "") + piece
    return text


# ------------------------------------------------------------------------------------------- documented case
# the English case's vocabularies in Chinese: shared nouns, selling points, attributes and brands overlap across
# categories in the same way (保温杯, 蓝牙音箱, 智能手表, 运动相机, 瑜伽垫 in two or three categories)
_CASE_NOUNS = {
    "electronics": ["蓝牙耳机", "头戴式耳机", "充电器", "充电宝", "数据线", "手机壳", "机械键盘", "无线鼠标", "摄像头",
                    "智能手表", "蓝牙音箱", "平板支架", "路由器", "显示器", "LED灯带", "运动手环", "运动相机", "自行车灯"],
    "home_kitchen": ["破壁机", "电热水壶", "水杯", "饭盒", "刀具套装", "砧板", "台灯", "空气炸锅", "磨豆机", "收纳箱",
                     "毛巾套装", "LED灯带", "蓝牙音箱", "保温袋", "保温杯", "瑜伽垫"],
    "sports_outdoors": ["瑜伽垫", "水杯", "露营灯", "头灯", "登山包", "帐篷", "哑铃", "弹力带", "跳绳", "护膝", "登山杖",
                        "运动手环", "保温杯",
                        "保温袋", "自行车灯", "运动相机", "蓝牙音箱", "智能手表"],
}
_CASE_SELLING_POINTS = ["便携", "无线", "高端", "迷你", "耐用", "轻量", "防水", "可充电", "不锈钢", "保温", "折叠",
                        "智能", "人体工学", "环保", "加厚", "降噪"]
_CASE_ATTRIBUTES = ["黑色", "白色", "蓝色", "灰色", "绿色", "红色", "两只装", "1L", "500ml", "Type-C", "蓝牙5.3",
                    "10000mAh", "旅行", "家用", "健身房", "办公室", "XL"]
_CASE_BRANDS = {
    "electronics": ["Anker", "索尼", "罗技", "小米", "倍思", "华为", "联想", "JBL"],
    "home_kitchen": ["飞利浦", "小米", "美的", "九阳", "苏泰尔", "乐扣乐扣", "象印", "Anker"],
    "sports_outdoors": ["迪卡侬", "小米", "李宁", "安踏", "挪客", "华为", "JBL", "象印"],
}
# how a brand is written in titles: its Chinese name, the Latin one, or both as "LATIN/中文" shops write
_BRAND_FORMS = {"索尼": ["索尼", "Sony", "SONY/索尼"], "罗技": ["罗技", "Logitech", "罗技G"],
                "小米": ["小米", "Xiaomi", "米家"], "倍思": ["倍思", "Baseus"], "华为": ["华为", "HUAWEI/华为"],
                "联想": ["联想", "Lenovo", "联想ThinkPlus"], "飞利浦": ["飞利浦", "Philips"], "美的": ["美的", "Midea"],
                "九阳": ["九阳", "Joyoung/九阳"], "苏泰尔": ["苏泰尔", "SUPOR/苏泰尔"], "乐扣乐扣": ["乐扣乐扣", "LOCK&LOCK"],
                "象印": ["象印", "ZOJIRUSHI/象印"], "迪卡侬": ["迪卡侬", "DECATHLON"], "李宁": ["李宁", "LI-NING/李宁"],
                "安踏": ["安踏", "ANTA"], "挪客": ["挪客", "Naturehike"], "Anker": ["Anker", "安克"], "JBL": ["JBL"]}
# scene words shops stack into titles for search (户外, 厨房 ...): more likely in one category, shared by others
_CASE_SCENES = {"electronics": ["手机", "电脑", "游戏", "办公", "户外"], "home_kitchen": ["厨房", "家用", "宿舍", "办公", "户外"],
                "sports_outdoors": ["户外", "露营", "健身", "跑步", "家用"]}
_CASE_MODELS = ["X3 Pro", "S5 Max", "Pro 2", "A1", "T10 Plus", "Air 3", "M2", "GT 5 Ultra", "Q7", "SE"]
_CASE_EXTRAS = ["2024新款", "2024款", "新品", "官方旗舰店", "正品", "爆款", "送礼", "学生", "大容量", "升级款"]


def case_titles_zh(rng: np.random.Generator, categories: Sequence[str]) -> tuple[list[str], list[str]]:
    """Chinese marketplace titles and brands, one per category in ``categories``.

    A title is brand, model code (20 %), a scene word (30 %, 户外, 厨房 ...), one or two selling points, the noun, an attribute and a shop's extra
    word (50 %), in one of three styles: spaced (25 %), the brand apart (35 %), all run together (40 %).
    """
    titles, brands = [], []
    for category in categories:
        brand = str(rng.choice(_CASE_BRANDS[category]))
        forms = _BRAND_FORMS[brand]
        model = str(rng.choice(_CASE_MODELS)) if rng.random() < 0.2 else ""
        points = list(rng.choice(_CASE_SELLING_POINTS, size=rng.integers(1, 3), replace=False))
        noun = str(rng.choice(_CASE_NOUNS[category]))
        attribute = str(rng.choice(_CASE_ATTRIBUTES))
        extra = str(rng.choice(_CASE_EXTRAS)) if rng.random() < 0.25 else ""
        scene = str(rng.choice(_CASE_SCENES[category])) if rng.random() < 0.3 else ""
        style = int(rng.choice(3, p=[0.25, 0.35, 0.4]))
        form = forms[0] if len(forms) == 1 or rng.random() < 0.9 else forms[rng.integers(1, len(forms))]
        pieces = [form, model, scene, *points, noun, attribute, extra]
        titles.append(_joined(pieces, style))
        brands.append(brand)
    return titles, brands


# ------------------------------------------------------------------------------------------- search log
SEARCH_TYPES_ZH = ["无线耳机", "耳机保护套", "手机充电器", "Type-C数据线", "笔记本电脑", "电脑内胆包", "游戏鼠标",
                   "鼠标垫", "咖啡机", "咖啡滤纸", "不粘煎锅", "锅盖", "运动水杯", "杯刷", "跑步鞋", "运动鞋垫",
                   "瑜伽垫", "瑜伽伸展带", "露营帐篷", "帐篷地钉"]
"""The search log's 20 product types in Chinese, in the order of the English ``_TYPES`` (complements share
characters with their product: 耳机 / 耳机保护套, 咖啡机 / 咖啡滤纸, 帐篷 / 帐篷地钉)."""
SEARCH_BRANDS_ZH = ["Anker", "索尼", "飞利浦", "小米", "迪卡侬", "特福", "李宁", "联想", "美的", "挪客"]
"""The search log's brands in Chinese, in the order of the English brands."""
SEARCH_ADJECTIVES_ZH = ["黑色", "便携", "大号", "防水", "轻量", "平价", "高端", "儿童"]
"""The search log's adjectives in Chinese, in the order of the English adjectives."""


def search_text_zh(brand: str, adjective: str, product_type: str, model: str, style: int) -> str:
    """A Chinese query (``model`` empty) or catalogue title in one of the three styles of :func:`_joined`
    (empty pieces left out)."""
    return _joined([brand, adjective, product_type, model], style)


def _bigrams(text: str) -> set[str]:
    text = "".join(text.lower().split())
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def bigram_jaccard(left: Sequence[str], right: Sequence[str], left_index: np.ndarray,
                   right_index: np.ndarray) -> np.ndarray:
    """Jaccard similarity of the character bigrams of ``left[left_index[k]]`` and ``right[right_index[k]]``.

    Bigrams are taken after lower-casing and removing spaces, so "小米 耳机" and "小米耳机" are the same text:
    :math:`J = |B(q) \\cap B(t)| / |B(q) \\cup B(t)|`. Computed once per pair of distinct texts (a matrix
    product of bigram indicators), then indexed, so millions of rows over a small catalogue stay fast.
    """
    left_sets, right_sets = [_bigrams(t) for t in left], [_bigrams(t) for t in right]
    vocabulary = {g: i for i, g in enumerate(sorted(set().union(*left_sets, *right_sets)))}

    def indicators(sets):
        matrix = np.zeros((len(sets), len(vocabulary)))
        for row, grams in enumerate(sets):
            matrix[row, [vocabulary[g] for g in grams]] = 1.0
        return matrix

    lm, rm = indicators(left_sets), indicators(right_sets)
    shared = (lm @ rm.T)[left_index, right_index]
    return shared / (lm.sum(axis=1)[left_index] + rm.sum(axis=1)[right_index] - shared)
