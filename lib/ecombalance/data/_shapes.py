"""Generated tables of the shapes users bring, for tests and benchmarks of the report on "real" tables.

Each generator is seeded, small by default and sized by ``n_rows`` (benchmarks ask for 10,000 or 50,000),
and imitates one kind of public table the report was tried on:

- :func:`sessions`: web sessions, numeric + categorical columns, no text, a 15 % boolean purchase label
  (like the UCI online-shoppers table); a few exact duplicate rows, as real logs have.
- :func:`catalogue`: a fashion catalogue, product names as text plus categorical and numeric columns, a long
  tail of classes from hundreds of items down to a single one (like the Fashion Product Images styles).
- :func:`product_pairs`: product matching, two text columns and a 0/1 label with 10 % matches; the texts
  alone say nothing about the label — only how similar the two are (like the Abt-Buy / Amazon-Google pairs).
- :func:`query_classes`: search queries labelled with one of ~190 product classes, most of them singletons
  (like WANDS' query classes).
- :func:`household_panel`: repeated brand choices of households (a group column), prices, displays and
  features, four brands without any relevance gains (like the Cracker choice panel).
- :func:`chinese_reviews`: Chinese shopping reviews of ten product categories, from 10,000 down to 575 reviews
  each, mostly unsegmented sentences (like the online_shopping_10_cats table).

:data:`ROLES` gives each shape's columns by role, and :func:`shape_table` the :class:`Table` of a shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ecombalance.data._chinese import REVIEW_COUNTS, reviews_zh
from ecombalance.data._loaders import handle_rare_classes
from ecombalance.data._table import Table


@dataclass(frozen=True)
class ShapeRoles:
    """What the columns of a generated shape are for (the arguments a user would give the report)."""

    label: str
    text_cols: tuple[str, ...] = ()
    numeric_cols: tuple[str, ...] = ()
    categorical_cols: tuple[str, ...] = ()
    group_col: str | None = None
    text_pair: tuple[str, str] | None = None
    options: dict = field(default_factory=dict)


def _check_rows(n_rows, minimum: int = 20) -> int:
    if not isinstance(n_rows, (int, np.integer)) or isinstance(n_rows, bool) or n_rows < minimum:
        raise ValueError(f"n_rows must be an int >= {minimum}, got {n_rows!r}")
    return int(n_rows)


def long_tail_counts(n_rows: int, n_classes: int, smallest: int = 1) -> np.ndarray:
    """Class sizes falling geometrically from the largest to exactly ``smallest`` and summing to ``n_rows``:
    :math:`N_k = N_0\\, q^k` with :math:`q = (\\text{smallest} / N_0)^{1/(C-1)}`, :math:`N_0` solved for the sum."""
    if n_classes < 2 or n_rows < n_classes * smallest:
        raise ValueError(f"cannot split {n_rows} rows into {n_classes} classes of at least {smallest}")
    low, high = float(smallest), float(n_rows)
    for _ in range(100):  # bisection on the largest class's size
        top = (low + high) / 2
        sizes = top * (smallest / top) ** (np.arange(n_classes) / (n_classes - 1))
        low, high = (top, high) if sizes.sum() < n_rows else (low, top)
    counts = np.maximum(np.round(sizes).astype(int), smallest)
    counts[0] += n_rows - counts.sum()
    return counts


# ------------------------------------------------------------------------------------------- sessions
_MONTHS = ["Feb", "Mar", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_SHARE = np.array([0.015, 0.155, 0.273, 0.023, 0.035, 0.035, 0.036, 0.045, 0.243, 0.14])


def sessions(n_rows: int = 600, random_state: int = 0, purchase_share: float = 0.155) -> pd.DataFrame:
    """Web sessions with a boolean ``revenue`` label (``purchase_share`` of them True).

    Columns: page counts and seconds spent (``administrative``, ``informational``, ``product_related`` and
    their ``*_duration``), ``bounce_rate``, ``exit_rate``, ``page_values`` (the strongest signal: mostly
    positive for buyers, mostly zero otherwise), ``special_day``, ``month``, ``visitor_type``, ``weekend``
    (bool) and ``revenue``. About 1 % of rows are exact duplicates of others (bounced sessions look alike).
    """
    n = _check_rows(n_rows)
    rng = np.random.default_rng(random_state)
    buyer = rng.random(n) < purchase_share
    visits = {name: rng.poisson(np.where(buyer, rate * 1.2, rate)) for name, rate in
              (("administrative", 2.3), ("informational", 0.5), ("product_related", 30.0))}
    frame = pd.DataFrame({name: count for name, count in visits.items()})
    for name, seconds in (("administrative", 35.0), ("informational", 40.0), ("product_related", 38.0)):
        per_page = rng.lognormal(np.log(seconds), 0.8, n)
        frame[f"{name}_duration"] = np.round(frame[name] * per_page, 1)
    frame["bounce_rate"] = np.round(np.clip(rng.beta(0.6, np.where(buyer, 40, 28)), 0, 0.2), 4)
    frame["exit_rate"] = np.round(np.clip(frame["bounce_rate"] + rng.beta(2, np.where(buyer, 60, 45)), 0, 0.2), 4)
    has_value = rng.random(n) < np.where(buyer, 0.55, 0.2)
    frame["page_values"] = np.round(np.where(has_value, rng.lognormal(np.where(buyer, 2.8, 2.3), 1.0), 0.0), 2)
    frame["special_day"] = np.where(rng.random(n) < 0.1, rng.choice([0.2, 0.4, 0.6, 0.8, 1.0], n), 0.0)
    month_p = np.where(buyer[:, None], _MONTH_SHARE * np.where(np.array(_MONTHS) == "Nov", 2.0, 1.0), _MONTH_SHARE)
    frame["month"] = [_MONTHS[rng.choice(len(_MONTHS), p=p / p.sum())] for p in month_p]
    frame["visitor_type"] = np.where(rng.random(n) < np.where(buyer, 0.25, 0.13), "New_Visitor",
                                     np.where(rng.random(n) < 0.01, "Other", "Returning_Visitor"))
    frame["weekend"] = rng.random(n) < 0.23
    frame["revenue"] = buyer
    copies = rng.choice(n, size=max(1, n // 100), replace=False)
    frame.iloc[copies[1:]] = frame.iloc[np.full(len(copies) - 1, copies[0])].to_numpy()
    return frame


# ------------------------------------------------------------------------------------------- catalogue
_FASHION = {
    "Apparel": ["shirt", "tshirt", "jeans", "kurta", "dress", "top", "trousers", "jacket", "shorts"],
    "Accessories": ["watch", "belt", "wallet", "handbag", "sunglasses", "cap", "backpack", "bracelet"],
    "Footwear": ["casual shoes", "sports shoes", "sandals", "heels", "flip flops", "formal shoes"],
    "Personal Care": ["perfume", "deodorant", "lipstick", "nail polish", "eyeliner", "face wash"],
    "Free Items": ["free wallet", "free bag", "free socks", "free cap"],
    "Sporting Goods": ["football", "gloves", "cricket bat", "yoga mat"],
    "Home": ["cushion cover", "bath towel"],
}
_BRANDS = ["Nike", "Puma", "Adidas", "Titan", "Fastrack", "Lotto", "Reebok", "Roadster", "Spykar", "Lakme",
           "Wrangler", "Fabindia", "Baggit", "Catwalk", "Woodland", "Skagen"]
_COLOURS = ["Black", "White", "Blue", "Navy Blue", "Grey", "Red", "Brown", "Green", "Pink", "Purple", "Beige"]
_GENDERS = ["Men", "Women", "Boys", "Girls", "Unisex"]
_SYLLABLES = ["ka", "lo", "mi", "ser", "dan", "vo", "tek", "ru", "pal", "zin", "fe", "gor", "nu", "bix", "sha"]


def _class_nouns(n_classes: int) -> dict[str, list[str]]:
    """Class names and their nouns: the fashion classes first, then made-up classes with made-up nouns."""
    nouns = dict(list(_FASHION.items())[:n_classes])
    for k in range(len(nouns), n_classes):
        words = [_SYLLABLES[(k * 7 + i * 3) % 15] + _SYLLABLES[(k + i * 5) % 15] + _SYLLABLES[(k * i + 2) % 15]
                 for i in range(4)]
        nouns[f"Category {k + 1}"] = words
    return nouns


def catalogue(n_rows: int = 600, n_classes: int = 7, random_state: int = 0) -> pd.DataFrame:
    """A fashion catalogue: ``product_name`` (text), ``gender``, ``base_colour`` (2 % missing), ``season``,
    ``usage``, ``year`` (numeric) and the label ``master_category``, whose ``n_classes`` classes fall from
    hundreds of items to a single one (:func:`long_tail_counts`). Names share brands and colours across
    classes, and 10 % of them borrow the noun of another class, so the classes overlap."""
    n = _check_rows(n_rows)
    if not isinstance(n_classes, (int, np.integer)) or n_classes < 7:
        raise ValueError(f"n_classes must be an int >= 7 (a long tail), got {n_classes!r}")
    rng = np.random.default_rng(random_state)
    nouns = _class_nouns(int(n_classes))
    names = list(nouns)
    labels = np.repeat(names, long_tail_counts(n, len(names)))
    rng.shuffle(labels)
    borrowed = rng.random(n) < 0.1
    noun_class = np.where(borrowed, rng.choice(names[:4], n), labels)
    colour = rng.choice(_COLOURS, n)
    gender = rng.choice(_GENDERS, n, p=[0.45, 0.38, 0.06, 0.05, 0.06])
    titles = [f"{rng.choice(_BRANDS)} {g} {c} {rng.choice(nouns[k])}" for g, c, k in zip(gender, colour, noun_class)]
    frame = pd.DataFrame({
        "product_name": titles,
        "gender": gender,
        "base_colour": pd.Series(colour).mask(rng.random(n) < 0.02),
        "season": rng.choice(["Summer", "Fall", "Winter", "Spring"], n, p=[0.45, 0.3, 0.15, 0.1]),
        "usage": rng.choice(["Casual", "Sports", "Ethnic", "Formal"], n, p=[0.75, 0.1, 0.1, 0.05]),
        "year": pd.Series(rng.integers(2010, 2019, n).astype(float)).mask(rng.random(n) < 0.01),
        "master_category": labels,
    })
    return frame


# ------------------------------------------------------------------------------------------- product pairs
_DEVICES = [("tv", "lcd hdtv"), ("camera", "digital camera"), ("headphones", "noise cancelling headphones"),
            ("speaker", "bluetooth speaker"), ("printer", "laser printer"), ("router", "wireless router"),
            ("monitor", "widescreen monitor"), ("laptop", "notebook computer")]
_MAKERS = ["Sony", "Samsung", "Panasonic", "Canon", "Bose", "Logitech", "Netgear", "HP", "Philips", "LG"]
_EXTRAS = ["black", "silver", "white", "with remote", "2 pack", "hd", "usb", "refurb kit", "new"]


def _model_code(rng: np.random.Generator) -> str:
    letters = "".join(rng.choice(list("ABCDEFGHKLMNPRSTVWXZ"), rng.integers(2, 4)))
    return f"{letters}-{rng.integers(10, 99)}{rng.choice(list('ABCDEFGHKLMNPRSTVWXZ'))}{rng.integers(100, 9999)}"


def _near_code(rng: np.random.Generator, code: str) -> str:
    """Another model of the same series: one digit of the code changed."""
    digits = [i for i, ch in enumerate(code) if ch.isdigit()]
    i = digits[rng.integers(len(digits))]
    return code[:i] + str((int(code[i]) + rng.integers(1, 10)) % 10) + code[i + 1:]


def _listing(rng: np.random.Generator, product: dict, shop: str) -> str:
    """One shop's title of ``product``: the left shop writes maker, noun, code, size; the right shop
    reorders, lower-cases, often drops the hyphen of the code or the code itself (20 %), mistypes a digit of
    it (8 %) and adds extras."""
    size = f"{product['size']}in" if product["kind"] in ("tv", "monitor", "laptop") else ""
    if shop == "left":
        words = [product["maker"], product["series"], product["code"], size, product["noun"]]
        return " ".join(w for w in words if w)
    code = _near_code(rng, product["code"]) if rng.random() < 0.08 else product["code"]
    code = code.replace("-", "") if rng.random() < 0.5 else code
    code = "" if rng.random() < 0.2 else code
    words = [product["noun"], code, product["maker"] if rng.random() < 0.7 else "", product["series"], size,
             rng.choice(_EXTRAS) if rng.random() < 0.6 else ""]
    order = rng.permutation(len(words)) if rng.random() < 0.5 else np.arange(len(words))
    return " ".join(words[i] for i in order if words[i]).lower()


def product_pairs(n_rows: int = 600, match_share: float = 0.1, random_state: int = 0) -> pd.DataFrame:
    """Pairs of product listings from two shops, ``left_title`` and ``right_title``, and ``match`` (1 when
    both describe the same product, ``match_share`` of the rows).

    Every left title is one product in the left shop's style; every right title is a product in the right
    shop's style — the same product for a match; for a non-match another model of the same maker and
    series (half of them, whose code differs by one digit) or any other product. Each column alone has the
    same distribution whatever the label: only the similarity of the two says whether they match."""
    n = _check_rows(n_rows)
    if not 0 < match_share < 1:
        raise ValueError(f"match_share must be in (0, 1), got {match_share!r}")
    rng = np.random.default_rng(random_state)

    def product(maker=None, series=None, kind=None, code=None) -> dict:
        kind_i = rng.integers(len(_DEVICES)) if kind is None else kind
        return {"maker": maker or str(rng.choice(_MAKERS)), "kind_i": kind_i, "kind": _DEVICES[kind_i][0],
                "noun": _DEVICES[kind_i][1], "series": series or str(rng.choice(["Pro", "Elite", "Max", "Go",
                                                                                  "Plus", "Ultra", "One"])),
                "code": code or _model_code(rng), "size": int(rng.choice([24, 27, 32, 40, 46, 55]))}

    rows = []
    for _ in range(n):
        left = product()
        is_match = rng.random() < match_share
        if is_match:
            right = left
        elif rng.random() < 0.5:  # a hard negative: same maker, series and kind, another model number
            right = {**left, "code": _near_code(rng, left["code"]), "size": int(rng.choice([24, 32, 40, 55]))}
        else:
            right = product()
        rows.append({"left_title": _listing(rng, left, "left"), "right_title": _listing(rng, right, "right"),
                     "match": int(is_match)})
    return pd.DataFrame(rows)


# ------------------------------------------------------------------------------------------- query classes
_ROOM = ["", "Outdoor", "Kids", "Office", "Bathroom", "Kitchen", "Bedroom", "Patio", "Living Room", "Entryway"]
_FURNITURE = ["Wall Art", "Bar Stools", "Accent Chairs", "Area Rugs", "Coffee Tables", "Bookcases", "Ceiling Fans",
              "Table Lamps", "Dining Chairs", "Sofas", "Beds", "Dressers", "Mirrors", "Curtains", "Throw Pillows",
              "Vanities", "Shelves", "Desks", "Benches", "Cabinets", "Chandeliers", "Planters", "Clocks",
              "Ottomans", "Sectionals"]
_QUERY_WORDS = ["modern", "white", "black", "wood", "metal", "small", "large", "rustic", "gold", "set of 2",
                "farmhouse", "velvet", "round", "grey", "mid century"]


def query_classes(n_rows: int = 480, n_classes: int | None = None, random_state: int = 0) -> pd.DataFrame:
    """Search queries (``query``, text) labelled with the product class they ask for (``query_class``):
    ``n_classes`` classes (default: 190, or 40 % of the rows when fewer) such as "Outdoor Bar Stools", sized
    like a Zipf law (class k gets about :math:`k^{-1.1}` of the rows) so that most classes hold a single query.
    A query names its class's noun and room words, shuffled with style words; 15 % name only the noun's last
    word."""
    n = _check_rows(n_rows)
    n_classes = min(190, round(0.4 * n)) if n_classes is None else n_classes
    names = [f"{room} {item}".strip() for item in _FURNITURE for room in _ROOM]
    if not isinstance(n_classes, (int, np.integer)) or not 2 <= n_classes <= min(len(names), n):
        raise ValueError(f"n_classes must be an int in [2, {min(len(names), n)}], got {n_classes!r}")
    rng = np.random.default_rng(random_state)
    classes = [names[i] for i in rng.permutation(len(names))[:n_classes]]
    weights = np.arange(1, n_classes + 1) ** -1.1
    counts = np.maximum(1, np.floor(n * weights / weights.sum())).astype(int)
    counts[0] += n - counts.sum()
    if counts[0] < counts[1]:
        raise ValueError(f"{n} rows are too few for {n_classes} classes; give more rows or fewer classes")
    labels = np.repeat(classes, counts)
    rng.shuffle(labels)
    queries = []
    for label in labels:
        words = label.lower().split()
        if rng.random() < 0.15:
            words = words[-1:]
        words += list(rng.choice(_QUERY_WORDS, rng.integers(0, 3), replace=False))
        queries.append(" ".join(words[i] for i in rng.permutation(len(words))))
    return pd.DataFrame({"query": queries, "query_class": labels})


# ------------------------------------------------------------------------------------------- household panel
_CRACKERS = ["nabisco", "private", "keebler", "sunshine"]
_CRACKER_SHARE = np.array([0.54, 0.31, 0.075, 0.075])
_CRACKER_PRICE = np.array([107.0, 68.0, 112.0, 96.0])  # cents


def household_panel(n_rows: int = 600, n_households: int | None = None, random_state: int = 0) -> pd.DataFrame:
    """Repeated purchases of crackers by households: ``id`` (the household: a group column), for each brand
    its ``price_<brand>`` (cents), whether it was on display (``disp_<brand>``) or featured in an ad
    (``feat_<brand>``), and the label ``choice`` (nabisco 54 %, private label 31 %, keebler and sunshine
    7.5 % each). Each household has its own brand loyalty (a Dirichlet draw around the shares), so rows of a
    household are alike: folds must keep a household on one side. The label carries no relevance gains."""
    n = _check_rows(n_rows)
    n_households = max(10, n // 24) if n_households is None else n_households
    if not isinstance(n_households, (int, np.integer)) or not 2 <= n_households <= n // 2:
        raise ValueError(f"n_households must be an int in [2, n_rows / 2], got {n_households!r}")
    rng = np.random.default_rng(random_state)
    household = np.sort(rng.choice(n_households, n))
    loyalty = rng.dirichlet(_CRACKER_SHARE * 4, n_households)
    prices = rng.normal(_CRACKER_PRICE, [12, 10, 12, 14], (n, 4)).round()
    display = rng.random((n, 4)) < 0.12
    featured = rng.random((n, 4)) < 0.05
    utility = (np.log(loyalty[household] + 1e-3) - 0.03 * (prices - _CRACKER_PRICE) + 0.6 * display
               + 0.9 * featured)
    p = np.exp(utility - utility.max(axis=1, keepdims=True))
    choice = (p.cumsum(axis=1) / p.sum(axis=1, keepdims=True) > rng.random((n, 1))).argmax(axis=1)
    frame = pd.DataFrame({"id": household + 1})
    for j, brand in enumerate(_CRACKERS):
        frame[f"disp_{brand}"] = display[:, j]
        frame[f"feat_{brand}"] = featured[:, j]
        frame[f"price_{brand}"] = prices[:, j]
    frame["choice"] = np.array(_CRACKERS)[choice]
    return frame


# ------------------------------------------------------------------------------------------- Chinese reviews
def proportional_counts(n_rows: int, sizes, smallest: int = 2) -> np.ndarray:
    """``sizes`` scaled to sum to ``n_rows`` (largest remainders round), each at least ``smallest`` (taken from
    the largest classes)."""
    sizes = np.asarray(sizes, dtype=float)
    exact = n_rows * sizes / sizes.sum()
    counts = np.floor(exact).astype(int)
    counts[np.argsort(-(exact - counts), kind="stable")[: n_rows - counts.sum()]] += 1
    for i in np.flatnonzero(counts < smallest):
        for _ in range(smallest - counts[i]):
            counts[np.argmax(counts)] -= 1
        counts[i] = smallest
    return counts


def chinese_reviews(n_rows: int = 600, random_state: int = 0) -> pd.DataFrame:
    """Chinese shopping reviews (``review``, text) labelled with their product category (``cat``), and a 0/1
    sentiment ``label`` (half of each category positive, so it says nothing about the category).

    The ten categories keep the proportions of the public online_shopping_10_cats table (平板, 水果, 洗发水,
    衣服, 酒店 10,000 each, 计算机 3,992, 书籍 3,851, 手机 2,323, 蒙牛 2,033, 热水器 575: 62,774 rows at
    ``n_rows=62_774``), scaled to ``n_rows`` with at least 2 reviews per category. Reviews
    (:func:`ecombalance.data._chinese.reviews_zh`) are 10–120 characters with a long tail, mostly without
    spaces, mixing aspects of their category (酒店: 前台, 房间, 早餐; 热水器: 安装, 加热) and of related ones
    with shop phrases every category shares (物流很快, 性价比高, 差评), and some Latin and digits ("iPad",
    "5G", "2.5kg").

    Measured at full size with 5-fold stratified CV (seed 0) and a plain logistic regression on the review:
    character 1–2-gram TF-IDF macro-F1 0.870, with the smallest class (热水器) recalled 0.63 against 0.75–0.95
    for the others; scikit-learn's default word TF-IDF 0.436 (the real table: 0.44), as a run of Chinese
    characters between punctuation is one token. Generating 62,774 rows takes about 1 s.
    """
    n = _check_rows(n_rows)
    rng = np.random.default_rng(random_state)
    labels = np.repeat(list(REVIEW_COUNTS), proportional_counts(n, list(REVIEW_COUNTS.values())))
    rng.shuffle(labels)
    positive = rng.random(n) < 0.5
    return pd.DataFrame({"cat": labels, "label": positive.astype(np.int64),
                         "review": reviews_zh(rng, labels, positive)})


# ------------------------------------------------------------------------------------------- roles and tables
ROLES = {
    "sessions": ShapeRoles(
        "revenue", numeric_cols=("administrative", "informational", "product_related", "administrative_duration",
                                 "informational_duration", "product_related_duration", "bounce_rate", "exit_rate",
                                 "page_values", "special_day"),
        categorical_cols=("month", "visitor_type", "weekend")),
    "catalogue": ShapeRoles("master_category", text_cols=("product_name",), numeric_cols=("year",),
                            categorical_cols=("gender", "base_colour", "season", "usage"),
                            options={"min_class_size": 5}),
    "product_pairs": ShapeRoles("match", text_cols=("left_title", "right_title"),
                                text_pair=("left_title", "right_title")),
    "query_classes": ShapeRoles("query_class", text_cols=("query",), options={"min_class_size": 5}),
    "household_panel": ShapeRoles(
        "choice", numeric_cols=tuple(f"price_{b}" for b in _CRACKERS),
        categorical_cols=tuple(f"{kind}_{b}" for b in _CRACKERS for kind in ("disp", "feat")), group_col="id"),
    "chinese_reviews": ShapeRoles("cat", text_cols=("review",), numeric_cols=("label",)),
}
"""Each shape's columns by role; ``options`` holds the ``min_class_size`` its long tail needs."""

GENERATORS = {"sessions": sessions, "catalogue": catalogue, "product_pairs": product_pairs,
              "query_classes": query_classes, "household_panel": household_panel, "chinese_reviews": chinese_reviews}
"""The generator of each shape, by name (the keys of :data:`ROLES`)."""


def generate(shape: str, n_rows: int | None = None, random_state: int = 0, **options) -> pd.DataFrame:
    """The frame of ``shape`` (a key of :data:`GENERATORS`), ``n_rows`` rows (the generator's default when
    None); ``options`` go to the generator (``n_classes``, ``match_share``, ...)."""
    if shape not in GENERATORS:
        raise ValueError(f"unknown shape {shape!r}; choose one of {list(GENERATORS)}")
    if n_rows is not None:
        options["n_rows"] = n_rows
    return GENERATORS[shape](random_state=random_state, **options)


def shape_table(shape: str, n_rows: int | None = None, random_state: int = 0, min_class_size: int | None = None,
                **options) -> Table:
    """``shape`` as a :class:`Table` with the columns of :data:`ROLES`; classes smaller than
    ``min_class_size`` (default: the shape's own, 0 for none) merged into ``"other"`` as a user's file would be
    (:func:`ecombalance.data._loaders.handle_rare_classes`)."""
    frame = generate(shape, n_rows, random_state, **options)
    roles = ROLES[shape]
    min_class_size = roles.options.get("min_class_size", 0) if min_class_size is None else min_class_size
    notes = []
    if min_class_size:
        frame, notes = handle_rare_classes(frame, roles.label, min_class_size, source=shape)
    return Table(frame, roles.label, list(roles.text_cols), list(roles.numeric_cols), list(roles.categorical_cols),
                 roles.group_col, shape, notes, text_pair=roles.text_pair)
