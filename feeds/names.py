"""Legal-name normalization: case, punctuation, scripts and corporate suffixes in several languages."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

# An alias whose normalized key is shorter than this never matches free text or a bare key
# ("360", "JD", "VK", "1C", "ZTE"): too many unrelated strings contain such short tokens.
MIN_KEY_LENGTH = 4
# Fuzzy matching (difflib ratio on suffix-stripped keys) is tried only when both keys are at
# least this long, and a candidate counts only at or above the threshold.
FUZZY_MIN_LENGTH = 8
FUZZY_THRESHOLD = 0.92

# Legal forms, compared after lowercasing and punctuation removal. Multi-word forms are
# listed as token tuples; the longest match at either end is removed, repeatedly.
_LEGAL_FORMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(f.split())
    for f in (
        # English and common law
        "co ltd", "company limited", "co limited", "limited", "ltd", "inc", "incorporated",
        "corp", "corporation", "company", "co", "llc", "l l c", "llp", "lp", "plc",
        "pte ltd", "pte", "private limited", "pvt ltd", "holdings", "holding", "group",
        # Continental Europe
        "gmbh", "ag", "sa", "s a", "nv", "n v", "bv", "b v", "sarl", "srl", "s r l", "spa",
        "s p a", "sro", "s r o", "as", "a s", "ab", "oy", "aps", "kft", "zrt", "sas",
        # Russian legal forms, Latin transliteration and Cyrillic
        "ooo", "oao", "zao", "pao", "ao", "nao", "mkpao", "jsc", "pjsc", "ojsc", "cjsc",
        "ijsc", "llc", "ооо", "оао", "зао", "пао", "ао", "нао", "мкпао",
        # Persian company forms (transliterated)
        "pjs", "sherkat",
    )
)  # fmt: skip
# Longest first: the longest form at either end is the one removed.
_LONGEST_FIRST = tuple(sorted(_LEGAL_FORMS, key=len, reverse=True))
# CJK legal-form endings, removed from the end of a name written without spaces.
_CJK_FORMS = (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团公司", "集團公司",
    "控股集团", "控股集團", "集团", "集團", "控股", "公司",
)  # fmt: skip
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Parenthesized place qualifiers in Chinese legal names: 平凯星辰(北京)科技 -> 平凯星辰科技.
_PARENS = re.compile(r"[(（][^()（）]{1,12}[)）]")
_PUNCT = re.compile(r"[^\w\s]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_STRIP_PHRASES = ("and any successor, sub-unit, or subsidiary thereof",)


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def normalize(name: str) -> str:
    """Full normalized form: NFKC, casefolded, punctuation to spaces, single spaces."""
    text = unicodedata.normalize("NFKC", name).casefold()
    for phrase in _STRIP_PHRASES:
        text = text.replace(phrase, " ")
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    if has_cjk(text):
        text = _PARENS.sub("", text)
    text = _PUNCT.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if has_cjk(text):
        # CJK names carry no meaningful spaces; "阿里巴巴 集团" == "阿里巴巴集团".
        text = re.sub(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])", "", text)
    return text


def strip_legal_forms(normalized: str) -> str:
    """Remove legal forms at both ends of a normalized name; never returns an empty string."""
    tokens = normalized.split(" ")
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for form in _LONGEST_FIRST:
            n = len(form)
            if len(tokens) > n and tuple(tokens[-n:]) == form:
                tokens = tokens[:-n]
                changed = True
                break
            if len(tokens) > n and tuple(tokens[:n]) == form:
                tokens = tokens[n:]
                changed = True
                break
    text = " ".join(tokens)
    if has_cjk(text):
        stripped = True
        while stripped:
            stripped = False
            for ending in _CJK_FORMS:
                if text.endswith(ending) and len(text) > len(ending):
                    text = text[: -len(ending)].rstrip()
                    stripped = True
    return text


def name_key(name: str) -> str:
    """The key names are matched on: normalized, legal forms stripped."""
    return strip_legal_forms(normalize(name))


def usable_key(key: str) -> bool:
    """Whether a key is long enough to match on its own (see MIN_KEY_LENGTH)."""
    return len(key.replace(" ", "")) >= MIN_KEY_LENGTH


def similarity(a: str, b: str) -> float:
    """Similarity of two keys in [0, 1]; 0 when either is too short for fuzzy matching."""
    if len(a) < FUZZY_MIN_LENGTH or len(b) < FUZZY_MIN_LENGTH:
        return 0.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


# Single words that have been aliases of linked entities and also mean something else (a word,
# a first name, another project). They may be names, never free-text matches; the list grows
# with every such case found (docs/feeds.md, "Names").
AMBIGUOUS_WORDS = frozenset(
    {
        "kimi", "lark", "kratos", "volcano", "salute", "dingding", "wangyi", "jingdong", "minimax",
        "dragonfly", "moonshot", "didi", "ant", "element", "vant", "arco", "semi", "omi", "san",
        "apollo", "seata", "dubbo", "echarts", "doris", "kylin", "tars", "polaris", "hippy",
        "feishu", "douyin", "ozon", "avito", "qiniu", "sber", "plasma", "gravity", "ydb",
        "catboost", "tarantool", "odyssey", "atlas", "mace", "nacos", "sofa", "taro", "nutui",
        "weex", "rax", "umi", "egg", "ice", "tiny", "ascend", "kunpeng", "harmony",
        "glm", "tongyi", "hunyuan", "doubao", "lynx", "dji", "wps", "baichuan", "yitu", "kwai",
        "tuya", "qwen", "mindspore", "openharmony",
    }
)  # fmt: skip


def distinctive(text: str) -> bool:
    """Whether a normalized name (or name key) is distinctive enough to find in free text."""
    if not text or text in AMBIGUOUS_WORDS:
        return False
    compact = text.replace(" ", "")
    return len(compact) >= 3 if has_cjk(text) else len(compact) >= 5
