"""The generated search log: query x product pairs like a product-search relevance log with ESCI labels
(Exact / Substitute / Complement / Irrelevant) and a click label (:func:`search_log`), over a catalogue of 800
products (every product type x brand x variant once).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ecombalance.data._chinese import (SEARCH_ADJECTIVES_ZH, SEARCH_BRANDS_ZH, SEARCH_TYPES_ZH, bigram_jaccard,
                                       check_lang, search_text_zh)

SEARCH_LABEL = "esci_label"
ESCI_LABELS = ("E", "S", "C", "I")
ESCI_SHARES = (0.65, 0.22, 0.03, 0.10)  # roughly the Shopping Queries proportions

# (category, product type words, complementary type)
_TYPES = [
    ("electronics", "wireless earbuds", "earbuds case"),
    ("electronics", "earbuds case", "wireless earbuds"),
    ("electronics", "phone charger", "usb c cable"),
    ("electronics", "usb c cable", "phone charger"),
    ("electronics", "laptop", "laptop sleeve"),
    ("electronics", "laptop sleeve", "laptop"),
    ("electronics", "gaming mouse", "mouse pad"),
    ("electronics", "mouse pad", "gaming mouse"),
    ("home_kitchen", "coffee maker", "coffee filter"),
    ("home_kitchen", "coffee filter", "coffee maker"),
    ("home_kitchen", "frying pan", "pan lid"),
    ("home_kitchen", "pan lid", "frying pan"),
    ("home_kitchen", "water bottle", "bottle brush"),
    ("home_kitchen", "bottle brush", "water bottle"),
    ("sports_outdoors", "running shoes", "shoe insoles"),
    ("sports_outdoors", "shoe insoles", "running shoes"),
    ("sports_outdoors", "yoga mat", "yoga strap"),
    ("sports_outdoors", "yoga strap", "yoga mat"),
    ("sports_outdoors", "camping tent", "tent stakes"),
    ("sports_outdoors", "tent stakes", "camping tent"),
]
_SEARCH_BRANDS = ["Anker", "Sony", "Philips", "Xiaomi", "Decathlon", "Tefal", "Li-Ning", "Lenovo",
                  "Midea", "Naturehike"]
_SEARCH_ADJECTIVES = ["black", "portable", "large", "waterproof", "lightweight", "cheap", "premium", "kids"]
_TYPE_PRICE = np.array([299, 59, 89, 29, 4999, 129, 199, 39, 699, 25, 159, 49, 79, 19, 499, 69, 129,
                        29, 899, 39], dtype=float)
_VARIANTS = 4


def _catalogue(lang: str = "en") -> dict[str, np.ndarray]:
    """Every product type x brand x variant (adjective) once: ids follow arithmetically."""
    n_types, n_brands = len(_TYPES), len(_SEARCH_BRANDS)
    t, b, v = np.meshgrid(np.arange(n_types), np.arange(n_brands), np.arange(_VARIANTS), indexing="ij")
    t, b, v = t.ravel(), b.ravel(), v.ravel()
    adjective = (b * 3 + v * 5 + t) % len(_SEARCH_ADJECTIVES)
    if lang == "zh":  # the shop's style follows the brand: some shops space their titles, most do not
        titles = np.array([
            search_text_zh(SEARCH_BRANDS_ZH[bi], SEARCH_ADJECTIVES_ZH[ai], SEARCH_TYPES_ZH[ti], f"{vi + 1}代", bi % 3)
            for ti, bi, vi, ai in zip(t, b, v, adjective)
        ], dtype=object)
    else:
        titles = np.array([
            f"{_SEARCH_BRANDS[bi]} {_SEARCH_ADJECTIVES[ai]} {_TYPES[ti][1]} model {vi + 1}"
            for ti, bi, vi, ai in zip(t, b, v, adjective)
        ], dtype=object)
    price_factor = 0.6 + 0.15 * ((b * 7 + v * 3) % 6)
    return {"type": t, "brand": b, "adjective": adjective, "title": titles,
            "price": np.round(_TYPE_PRICE[t] * price_factor, 2)}


def _type_words_overlap() -> np.ndarray:
    words = [set(name.split()) for _, name, _ in _TYPES]
    return np.array([[len(a & b) for b in words] for a in words])


def search_log(n_queries: int = 200, products_per_query: int = 10, random_state: int = 0,
               lang: str = "en") -> pd.DataFrame:
    """Generate query x product pairs like a product-search relevance log.

    Each query asks for a product type, sometimes with a brand and an adjective ("Anker black phone
    charger"). For each shown product a relation is drawn with the Shopping Queries proportions [1]_
    (E 65 %, S 22 %, C 3 %, I 10 %) and a product with that relation is picked: Exact = the type (and
    brand, when asked), Substitute = same category but another type or brand, Complement = the type's
    accessory, Irrelevant = another category. 8 % of labels are then redrawn from the same marginal, as
    annotators disagree. Match features are computed from the pair: ``text_overlap`` is the exact
    Jaccard similarity of query and title words.

    ``clicked`` (0/1) has a 1–5 % positive rate, driven by relevance and a latent item appeal that also
    drives ``hist_ctr``.

    Built with vectorised NumPy over a catalogue of 800 products, so 1 million rows
    (``n_queries=100_000, products_per_query=10``) take seconds and memory stays proportional to the
    output.

    Columns: ``query_id``, ``query``, ``product_id``, ``product_title``, ``brand``, ``category``,
    ``price``, ``text_overlap``, ``category_match``, ``price_ratio``, ``hist_ctr``, ``position``,
    ``esci_label``, ``clicked``.

    ``lang="zh"`` gives the same log (same rows, relations, labels, clicks and numbers but ``text_overlap``) in
    Chinese: queries like "小米防水无线耳机" and titles like "小米 防水 无线耳机 2代" or "小米防水无线耳机2代"
    (:data:`ecombalance.data._chinese.SEARCH_TYPES_ZH`; the style follows the shop, a third spaced), and
    ``brand`` in Chinese. Chinese has no spaces to count words by, so there ``text_overlap`` is the Jaccard
    similarity of the character bigrams of query and title, spaces removed and Latin lower-cased
    (:func:`ecombalance.data._chinese.bigram_jaccard`).

    Parameters
    ----------
    n_queries : int, default=200
        Number of queries (``query_id`` 0 to ``n_queries - 1``).
    products_per_query : int, default=10
        Products shown per query (``position`` 1 to ``products_per_query``).
    random_state : int, default=0
        Seed of the random generator: the same seed gives the same log.
    lang : {"en", "zh"}, default="en"
        Language of queries, titles and brands.

    Returns
    -------
    DataFrame
        ``n_queries * products_per_query`` rows, the columns listed above.

    Raises
    ------
    ValueError
        When ``n_queries`` or ``products_per_query`` is not a positive int, or ``lang`` is not ``"en"`` or
        ``"zh"``.

    See Also
    --------
    search_table : The log as a :class:`~ecombalance.Table` (query groups, text pair, relevance gains).

    References
    ----------
    .. [1] C. K. Reddy et al., "Shopping Queries Dataset: A Large-Scale ESCI Benchmark for Improving Product
       Search", 2022, arXiv:2206.06588.

    Examples
    --------
    >>> from ecombalance.data import search_log
    >>> log = search_log(n_queries=5, products_per_query=4)
    >>> log.shape
    (20, 14)
    >>> log["query_id"].nunique(), int(log["position"].max())
    (5, 4)
    >>> log["esci_label"].value_counts().to_dict()
    {'E': 12, 'S': 5, 'I': 2, 'C': 1}
    """
    check_lang(lang)
    for name, value in {"n_queries": n_queries, "products_per_query": products_per_query}.items():
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")
    rng = np.random.default_rng(random_state)
    cat = _catalogue(lang)
    n_types, n_brands = len(_TYPES), len(_SEARCH_BRANDS)
    categories = np.array([c for c, _, _ in _TYPES])
    complement = np.array([next(i for i, t in enumerate(_TYPES) if t[1] == comp) for _, _, comp in _TYPES])

    # queries
    q_type = rng.integers(0, n_types, n_queries)
    q_brand = np.where(rng.random(n_queries) < 0.4, rng.integers(0, n_brands, n_queries), -1)
    q_adj = np.where(rng.random(n_queries) < 0.3, rng.integers(0, len(_SEARCH_ADJECTIVES), n_queries), -1)
    if lang == "zh":  # most Chinese queries are typed without spaces
        q_text = np.array([
            search_text_zh(SEARCH_BRANDS_ZH[b] if b >= 0 else "", SEARCH_ADJECTIVES_ZH[a] if a >= 0 else "",
                           SEARCH_TYPES_ZH[t], "", 0 if (t + a) % 4 == 0 else 2).lower()
            for t, b, a in zip(q_type, q_brand, q_adj)
        ], dtype=object)
    else:
        q_text = np.array([
            " ".join(filter(None, [_SEARCH_BRANDS[b] if b >= 0 else "", _SEARCH_ADJECTIVES[a] if a >= 0 else "",
                                   _TYPES[t][1]])).lower()
            for t, b, a in zip(q_type, q_brand, q_adj)
        ], dtype=object)

    # rows: relation first, then a product with that relation
    n = n_queries * products_per_query
    qi = np.repeat(np.arange(n_queries), products_per_query)
    t_q, b_q, a_q = q_type[qi], q_brand[qi], q_adj[qi]
    relation = rng.choice(4, size=n, p=ESCI_SHARES)
    rand_brand = rng.integers(0, n_brands, n)
    other_brand = (np.maximum(b_q, 0) + rng.integers(1, n_brands, n)) % n_brands
    same_cat_other_type = _same_category_other_type(rng, t_q, categories)
    other_cat_type = _other_category_type(rng, t_q, categories)
    substitute_by_brand = (b_q >= 0) & (rng.random(n) < 0.5)
    p_type = np.select(
        [relation == 0, (relation == 1) & substitute_by_brand, relation == 1, relation == 2],
        [t_q, t_q, same_cat_other_type, complement[t_q]], other_cat_type)
    p_brand = np.select([(relation == 0) & (b_q >= 0), (relation == 1) & substitute_by_brand],
                        [b_q, other_brand], rand_brand)
    product = (p_type * n_brands + p_brand) * _VARIANTS + rng.integers(0, _VARIANTS, n)

    # match features from the pair
    if lang == "zh":
        text_overlap = bigram_jaccard(q_text, cat["title"], qi, product)
    else:
        q_len = np.array([len(t.split()) for t in q_text])[qi]
        title_len = np.array([len(t.lower().split()) for t in cat["title"]])[product]
        shared = (_type_words_overlap()[t_q, p_type] + (b_q == cat["brand"][product])
                  + (a_q == cat["adjective"][product]))
        text_overlap = shared / (q_len + title_len - shared)
    category_match = (categories[t_q] == categories[p_type]).astype(np.int8)
    price = cat["price"][product]
    price_ratio = price / _TYPE_PRICE[t_q]

    noisy = rng.random(n) < 0.08
    label_idx = np.where(noisy, rng.choice(4, size=n, p=ESCI_SHARES), relation)
    appeal = rng.normal(0.0, 1.0, n)
    base_ctr = np.array([0.045, 0.02, 0.015, 0.004])[relation]
    hist_ctr = np.clip(base_ctr * np.exp(0.5 * appeal + rng.normal(0, 0.3, n)), 0.0, 1.0)
    position = np.tile(np.arange(1, products_per_query + 1), n_queries)
    click_p = np.clip(base_ctr * np.exp(0.6 * appeal - 0.18) / (1 + 0.05 * (position - 1)), 0, 1)

    return pd.DataFrame({
        "query_id": qi.astype(np.int64),
        "query": pd.array(q_text, dtype="str").take(qi),
        "product_id": pd.array(np.char.add("B", np.char.zfill(np.arange(len(cat["title"])).astype(str), 5)),
                               dtype="str").take(product),
        "product_title": pd.array(cat["title"], dtype="str").take(product),
        "brand": pd.array(np.array(SEARCH_BRANDS_ZH if lang == "zh" else _SEARCH_BRANDS, dtype=object),
                          dtype="str").take(cat["brand"][product]),
        "category": pd.array(categories.astype(object), dtype="str").take(p_type),
        "price": price,
        "text_overlap": np.round(text_overlap, 4),
        "category_match": category_match,
        "price_ratio": np.round(price_ratio, 4),
        "hist_ctr": np.round(hist_ctr, 5),
        "position": position.astype(np.int16),
        SEARCH_LABEL: pd.array(np.array(ESCI_LABELS, dtype=object), dtype="str").take(label_idx),
        "clicked": (rng.random(n) < click_p).astype(np.int8),
    })


def _same_category_other_type(rng, t_q, categories):
    by_cat = {c: np.flatnonzero(categories == c) for c in np.unique(categories)}
    out = np.empty_like(t_q)
    for c, members in by_cat.items():
        rows = np.flatnonzero(categories[t_q] == c)
        # uniform over the category's other types: draw from len-1 slots, skip the query's own slot
        own = np.searchsorted(members, t_q[rows])
        idx = rng.integers(0, len(members) - 1, len(rows))
        out[rows] = members[idx + (idx >= own)]
    return out


def _other_category_type(rng, t_q, categories):
    n_types = len(categories)
    out = rng.integers(0, n_types, len(t_q))
    clash = categories[out] == categories[t_q]
    while clash.any():
        out[clash] = rng.integers(0, n_types, clash.sum())
        clash = categories[out] == categories[t_q]
    return out
