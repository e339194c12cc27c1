"""Chinese text for the generated data: marketplace product titles, search queries and shopping reviews.

Chinese titles and reviews are mostly written without spaces between words ("小米无线蓝牙耳机降噪黑色"), mixed
with English brands, model codes and units ("Anker充电宝10000mAh"). A word tokenizer that splits on spaces and
punctuation (scikit-learn's default ``token_pattern``) then sees a whole run as one token; character n-grams or a
segmenter (jieba) see its words. The builders here draw such texts from vocabularies that overlap across classes,
so that the Chinese datasets are as hard as the English ones for a model that reads Chinese.

- :func:`case_titles_zh`: titles and brands for :func:`ecombalance.data._datasets.documented_case` (``lang="zh"``).
- :data:`SEARCH_TYPES_ZH`, :data:`SEARCH_BRANDS_ZH`, :data:`SEARCH_ADJECTIVES_ZH` and :func:`bigram_jaccard`:
  the Chinese search log (:func:`ecombalance.data._search_log.search_log`, ``lang="zh"``).
- :func:`reviews_zh`: reviews of ten product categories for :func:`ecombalance.data._shapes.chinese_reviews`.
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

    A title is brand (its Chinese name 90 %, else "SONY/索尼", "Xiaomi" ...), model code (20 %), a scene word
    (30 %: 户外, 厨房 ...), one or two selling points, the noun, an attribute and a shop's word (25 %: 2024新款,
    正品 ...), in one of three styles: spaced (25 %), the brand apart (35 %), all run together (40 %).
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


# ------------------------------------------------------------------------------------------- shopping reviews
REVIEW_COUNTS = {"平板": 10000, "水果": 10000, "洗发水": 10000, "衣服": 10000, "酒店": 10000, "计算机": 3992,
                 "书籍": 3851, "手机": 2323, "蒙牛": 2033, "热水器": 575}
"""Reviews per category in the public online_shopping_10_cats table (62,774 in all)."""

# per category: (aspect, praise, complaint), alternatives split by "/"; aspects repeat across related categories
_ASPECTS = {
    "平板": [("屏幕", "清晰/细腻/大", "有坏点/发黄/暗"), ("平板", "好用/流畅/轻薄", "卡顿/发烫/死机"),
           ("系统", "流畅/稳定", "卡/老是闪退"), ("续航", "持久/给力", "短/不行"), ("iPad", "好用/流畅", "有划痕/是翻新的"),
           ("看视频", "爽/清楚", "卡/有延迟"), ("孩子上网课", "方便/够用", "不好用/卡"), ("WiFi", "稳定/好", "老掉线/连不上"),
           ("128G版本", "够用/流畅", "不够用/卡"), ("电池", "耐用/给力", "不耐用/掉电快")],
    "水果": [("水果", "新鲜/甜/好吃", "不新鲜/烂了/酸"), ("果子", "大/甜/水分足", "小/干巴巴/坏了几个"),
           ("口感", "好/脆甜/细腻", "差/发酸/一般"), ("橙子", "甜/汁多", "酸/干"), ("芒果", "香/甜", "没熟/烂了"),
           ("个头", "大/均匀", "小/不均匀"), ("5斤装", "实惠/分量足", "缺斤少两/分量不够"), ("2.5kg", "足/实在", "不足/缺了")],
    "洗发水": [("洗发水", "好用/温和/香", "不好用/刺激/假"), ("头发", "柔顺/不干/蓬松", "干/毛躁/打结"),
            ("头皮屑", "少了/没了", "更多了/没变化"), ("味道", "香/清新/好闻", "刺鼻/难闻/冲"), ("泡沫", "丰富/细腻", "少/不好冲"),
            ("去屑效果", "好/明显", "差/没有"), ("750ml", "大瓶/耐用", "漏了/不满"), ("防伪码", "能查到/正品", "查不到/是假的")],
    "衣服": [("衣服", "好看/合身/舒服", "难看/不合身/起球"), ("尺码", "标准/合适", "偏大/偏小"), ("面料", "舒服/柔软/厚实", "薄/扎人/起球"),
           ("颜色", "正/好看", "有色差/掉色"), ("做工", "精细/好", "粗糙/线头多"), ("版型", "好看/修身", "奇怪/不好看"),
           ("XL码", "刚好/合适", "太小/太大"), ("裤子", "舒服/有型", "短了/起球")],
    "酒店": [("酒店", "干净/舒适/方便", "旧/脏/吵"), ("前台", "热情/专业", "冷淡/不专业"), ("房间", "干净/宽敞/安静", "小/脏/有异味"),
           ("早餐", "丰富/好吃", "单调/难吃"), ("位置", "好/方便", "偏/不好找"), ("隔音", "好/不错", "差/不好"),
           ("服务员", "热情/周到", "冷漠/不耐烦"), ("热水", "充足/稳定", "不热/时有时无"), ("洗澡水", "热/舒服", "不热/忽冷忽热"),
           ("大床房", "舒服/宽敞", "小/旧"),
           ("离地铁站", "近/方便", "远/不方便")],
    "计算机": [("电脑", "好用/流畅/快", "卡/死机/蓝屏"), ("笔记本", "轻薄/好看", "重/发烫"), ("键盘", "手感好/舒服", "手感差/松"),
            ("屏幕", "清晰/亮", "暗/有坏点"), ("散热", "好/给力", "差/不行"), ("风扇", "安静/小声", "吵/响"),
            ("系统", "稳定/流畅", "卡/不稳定"), ("16G内存", "够用/流畅", "不够/卡"), ("开机", "快/秒开", "慢/卡"),
            ("win10", "好用/稳定", "难用/老更新"), ("电池", "耐用/给力", "不耐用/掉电快"), ("安装驱动", "简单/顺利", "麻烦/装不上")],
    "书籍": [("书", "好看/精彩/值得一读", "无聊/一般/看不下去"), ("内容", "丰富/精彩/有深度", "空洞/无聊/肤浅"),
           ("纸张", "好/厚实", "薄/差"), ("印刷", "清晰/精美", "模糊/有错字"), ("作者", "有才/文笔好", "啰嗦/文笔差"),
           ("这本书", "好看/值得/受益匪浅", "无聊/失望"), ("翻译", "流畅/准确", "生硬/差"), ("孩子", "喜欢/爱看", "不喜欢/看不懂")],
    "手机": [("手机", "好用/流畅/漂亮", "卡/发烫/死机"), ("拍照", "清晰/好看", "模糊/一般"), ("电池", "耐用/给力", "不耐用/掉电快"),
           ("信号", "好/稳定", "差/不稳"), ("屏幕", "清晰/细腻", "发黄/有坏点"), ("5G", "快/稳定", "慢/不稳定"),
           ("系统", "流畅/稳定", "卡/广告多"), ("充电", "快/方便", "慢/发烫"), ("手感", "好/舒服", "差/重")],
    "蒙牛": [("牛奶", "好喝/香浓/新鲜", "难喝/淡/不新鲜"), ("口感", "好/醇厚", "差/淡"), ("日期", "新鲜/很新", "不新鲜/快过期了"),
           ("奶味", "浓/香", "淡/怪"), ("孩子", "爱喝/喜欢", "不喝/不喜欢"), ("特仑苏", "好喝/正宗", "一般/假"),
           ("一箱12盒", "实惠/划算", "少了/压坏了"), ("早餐", "配着喝好/方便", "喝着不舒服/拉肚子")],
    "热水器": [("热水器", "好用/方便/漂亮", "不好用/漏水/坏了"), ("安装", "快/专业/及时", "慢/乱收费"), ("师傅", "专业/负责/热情", "不专业/态度差"),
            ("加热", "快/稳定", "慢/不稳定"), ("水温", "稳定/合适", "忽冷忽热/不稳"), ("洗澡", "舒服/方便", "不舒服/水不热"),
            ("热水", "充足/够用", "不够用/不热"), ("60升", "够用/合适", "不够用/小"), ("售后", "及时/给力", "推脱/差"),
            ("送货上门", "快/准时", "慢/拖延")],
}
_NEIGHBOURS = {"平板": ["手机", "计算机"], "水果": ["蒙牛"], "洗发水": ["衣服"], "衣服": ["洗发水"], "酒店": ["热水器", "书籍"],
               "计算机": ["平板", "手机"], "书籍": ["衣服", "酒店"], "手机": ["平板", "计算机"], "蒙牛": ["水果"],
               "热水器": ["酒店", "计算机"]}
# every category's reviews are mostly about the shop: delivery, packing, service, price
_GENERIC = [("物流", "快/给力/神速", "慢/太慢"), ("快递", "快/给力", "慢/暴力"), ("包装", "好/严实/精美", "破损/简陋"),
            ("客服", "态度好/耐心/回复及时", "态度差/不理人"), ("质量", "不错/好", "差/一般"), ("价格", "实惠/便宜/公道", "贵/偏贵"),
            ("性价比", "高", "低/不高"), ("东西", "不错/好/挺好", "一般/差/不行"), ("服务", "周到/好", "差/一般"),
            ("发货", "快/及时", "慢/太慢"), ("售后", "给力/好", "差/推脱")]
_PHRASES = ("好评/五星好评/非常满意/值得购买/会回购的/推荐购买/下次还来/买了好几次了/一如既往的好/比实体店便宜/"
            "活动价买的很值/双十一买的/618囤的货/给朋友也推荐了/满意",
            "差评/很失望/不推荐/再也不买了/退货了/后悔买了/坑人/一般般吧/感觉被骗了/垃圾/等了一个星期/不值这个价/跟描述不符")
_DEGREES = ["很", "非常", "挺", "特别", "超级", "比较", "真的", "太", "还算", "", "", ""]
_OPENERS = ["", "", "", "", "感觉", "总体来说", "就是", "而且", "另外", "整体", "说实话"]
_ENDINGS = ["", "", "", "", "", "啊", "哦", "了", "哈", "呢"]
_SEPARATORS = ["，", "，", "，", "，", "，", "", "", " ", "！", "。"]
_FINALS = ["。", "。", "。", "！", "", "", "", "!!", "～", "。"]
_NO_DEGREE = tuple("有是不老没连查缺忽乱压喝配能装")


def _clause(aspect: tuple[str, str, str], positive: bool, opener: str, draws: np.ndarray) -> str:
    """``opener + aspect + degree + judgement + ending`` ("感觉房间非常干净啊"), from uniform draws."""
    noun, praise, complaint = aspect
    options = (praise if positive else complaint).split("/")
    judgement = options[int(draws[0] * len(options))]
    degree = "" if judgement.startswith(_NO_DEGREE) else _DEGREES[int(draws[1] * len(_DEGREES))]
    if noun[-1].isascii() and draws[9] < 0.5:  # a space after Latin letters and digits, as many type: "iPad 好用"
        noun += " "
    return opener + noun + degree + judgement + _ENDINGS[int(draws[2] * len(_ENDINGS))]


def _pick(options: Sequence, draw: float):
    return options[int(draw * len(options))]


def reviews_zh(rng: np.random.Generator, categories: Sequence[str], positive: np.ndarray,
               own_share: float = 0.65, neighbour_share: float = 0.08) -> list[str]:
    """Chinese shopping reviews, one per category in ``categories``, praising when ``positive``.

    A review is 1 to 12 clauses (log-normal, median 3), each about an aspect of the review's own category
    (``own_share``: 屏幕, 房间, 口感, 安装 ...), of a related category (``neighbour_share``: a tablet review about
    the 系统 a phone review would name), or of the shop (物流, 包装, 客服, 性价比 ...) or a stock phrase
    (好评, 差评 ...) that every category shares. One clause in seven after the first turns the other way
    ("但是", a mixed review). Clauses run together or are split by "，" "！" "。" and rarely a space; a review
    is 10 to 120 characters.
    """
    n = len(categories)
    n_clauses = np.clip(np.round(rng.lognormal(np.log(3.0), 0.6, n)), 1, 12).astype(int)
    kind = rng.random((n, 12))
    draws = rng.random((n, 12, 10))
    closing = rng.random(n)
    reviews = []
    for i, category in enumerate(categories):
        text = ""
        for k in range(12):
            if k >= n_clauses[i] and len(text) >= 10:
                break
            d = draws[i, k]
            turned = k > 0 and d[3] < 1 / 7
            tone = bool(positive[i]) != turned
            opener = _pick(["但是", "不过"], d[4]) if turned else _pick(_OPENERS, d[4])
            if kind[i, k] < own_share:
                aspects = _ASPECTS[category]
            elif kind[i, k] < own_share + neighbour_share:
                aspects = _ASPECTS[_pick(_NEIGHBOURS[category], d[5])]
            else:
                aspects = _GENERIC
            if aspects is _GENERIC and d[6] < 0.3:
                clause = opener + _pick(_PHRASES[0 if tone else 1].split("/"), d[7])
            else:
                clause = _clause(_pick(aspects, d[7]), tone, opener, d)
            joined = text + (_pick(_SEPARATORS, d[8]) if text else "") + clause
            if len(joined) > 119:
                break
            text = joined
        reviews.append(text + _pick(_FINALS, closing[i]))
    return reviews
