"""What a business name looks like, next to a person's name, a job title and a broker's firm.

Shape checks on short strings (a line, a subject part, a display name), all
linear in them. A business name is two to eight capitalised words with no
contact details and no job title; it *looks like a business* when it carries a
legal suffix ("LLC"), a word for a kind of business ("Bakery", "Clinic",
"Landscaping"), or spells the sender's mail domain ("Clearwater Pool Supply"
at clearwaterpoolsupply.test). A person's name has none of these, which is how
"Samuel Greene" in a subject is told apart from "Sunnyside Daycare".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

SUFFIXES = frozenset(
    ["llc", "l.l.c.", "inc", "inc.", "incorporated", "corp", "corp.", "corporation", "co", "co.", "company", "ltd", "ltd.", "limited", "llp", "lp", "pc",
     "p.c.", "pllc", "plc", "gmbh", "pa", "p.a.", "dds", "md", "s.a.", "sa", "sl", "bv", "srl", "sarl", "dba", "d/b/a"]
)
_FOLDED_SUFFIXES = frozenset(s.strip(".,") for s in SUFFIXES)
# Abbreviations whose final dot is part of the name ("Tamarack Surveying Inc.").
_DOTTED = frozenset(["inc", "co", "corp", "ltd", "l.l.c", "p.c", "p.a", "s.a"])
CONNECTORS = frozenset(["&", "and", "of", "the", "de", "del", "la", "las", "los", "el", "y", "e", "for", "+", "at", "on", "in", "du", "des", "van", "von", "da", "di", "a", "et", "und", "en"])
HONORIFICS = frozenset(["dr", "dr.", "dra", "dra.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "prof", "sr", "sra", "jr", "srta", "mme", "mlle", "herr", "frau"])
ROLES = frozenset(
    ["manager", "owner", "director", "bookkeeper", "hr", "head", "president", "vice", "vp", "ceo", "cfo", "coo", "cto", "founder", "co-founder", "cofounder",
     "administrator", "admin", "assistant", "coordinator", "accountant", "partner", "principal", "controller", "officer", "secretary", "supervisor",
     "specialist", "lead", "payroll", "operations", "office", "human", "resources", "proprietor", "treasurer", "executive", "clerk", "generalist",
     "associate", "analyst", "consultant", "representative", "agent", "broker", "dueno", "duena", "gerante", "gerente", "gerant", "proprietaire",
     "inhaber", "inhaberin", "geschaftsfuhrer", "geschaftsfuhrerin", "eigenaar", "titolare", "md", "dds", "pharmd", "rn", "np", "pa", "benefits",
     "administrative", "chief", "team", "staff", "managing", "dvm", "od", "dpt", "esq", "phd", "lcsw", "mft", "dc", "dmd",
     "llm", "jd", "mba", "shrm-cp", "phr", "sphr", "encargada", "encargado", "administradora", "administrador", "directora", "propietaria",
     "propietario", "contadora", "contador", "gerencia", "socio", "socia", "responsable"]
)
# Kinds of business, in the languages employers here write: a name holding one is a business, not a person.
BUSINESS_WORDS = frozenset(
    [
        "studio", "studios", "cafe", "coffee", "roasters", "roastery", "tea", "bakery", "bakeries", "bakeshop", "bagels", "donuts", "creamery",
        "patisserie", "boulangerie", "panaderia", "pasteleria", "tortilleria", "taqueria", "restaurant", "restaurante", "grill", "kitchen", "catering",
        "caterers", "bar", "pub", "brewery", "brewing", "winery", "vineyard", "vineyards", "cellars", "deli", "delicatessen", "bistro", "pizzeria",
        "pizza", "sushi", "bbq", "diner", "eatery", "market", "mercado", "mart", "grocery", "foods", "food", "produce", "meats", "carniceria", "farm",
        "farms", "ranch", "nursery", "garden", "gardens", "florist", "flowers", "floral", "floristeria", "clinic", "clinica", "dental", "dentistry",
        "orthodontics", "medical", "pediatrics", "pediatric", "optometry", "optical", "eyecare", "chiropractic", "therapy", "physical", "physiotherapy",
        "fisioterapia", "veterinary", "vet", "animal", "hospital", "pet", "pets", "grooming", "kennel", "salon", "spa", "barber", "barbershop",
        "peluqueria", "beauty", "nails", "massage", "acupuncture", "wellness", "health", "fitness", "gym", "yoga", "pilates", "crossfit", "martial",
        "dance", "center", "centre", "school", "preschool", "academy", "montessori", "daycare", "childcare", "tutoring", "learning", "escuela",
        "landscaping", "landscape", "lawn", "tree", "construction", "builders", "building", "contractors", "contracting", "roofing", "plumbing",
        "electric", "electrical", "hvac", "heating", "cooling", "painting", "painters", "flooring", "tile", "cabinetry", "cabinets", "woodworks",
        "woodworking", "carpentry", "remodeling", "restoration", "masonry", "concrete", "paving", "fencing", "pool", "pools", "supply", "supplies",
        "hardware", "lumber", "store", "tienda", "shop", "boutique", "outlet", "auto", "automotive", "motors", "repair", "garage", "tire", "tires",
        "collision", "cycles", "bikes", "bicycle", "surf", "marina", "boats", "golf", "sports", "outfitters", "apparel", "clothing", "gallery",
        "photography", "photo", "design", "designs", "graphics", "signs", "printing", "print", "press", "media", "marketing", "creative", "architects",
        "architecture", "engineering", "engineers", "surveying", "legal", "law", "attorneys", "lawyers", "abogados", "pharmacy", "farmacia", "care",
        "senior", "seniors", "homecare", "hospice", "hearing", "realty", "properties", "property", "cleaners", "cleaning", "janitorial", "laundry",
        "dry", "moving", "movers", "storage", "logistics", "trucking", "transport", "transportation", "courier", "travel", "tours", "hotel", "inn",
        "lodge", "motel", "resort", "events", "rentals", "pottery", "crafts", "gifts", "gift", "bookstore", "music", "arts", "theater", "theatre",
        "jewelry", "jewelers", "tailor", "alterations", "shoes", "zapateria", "furniture", "interiors", "lighting", "glass", "windows", "doors", "solar",
        "energy", "installers", "machine", "machining", "manufacturing", "industries", "works", "workshop", "tools", "metal", "welding", "fabrication",
        "packaging", "imports", "exports", "trading", "wholesale", "distribution", "distributors", "ventures", "holdings", "enterprises", "brothers",
        "sons", "hermanos", "taller", "mecanico", "veterinaria", "odontologia", "salud", "optica", "papeleria", "imprenta", "ferreteria", "lavanderia",
        "guarderia", "cerrajeria", "joyeria", "libreria", "muebles", "plomeria", "electricidad", "construccion", "jardineria", "transportes",
        "servicios", "fromagerie", "boucherie", "epicerie", "cabinet", "atelier", "backerei", "metzgerei", "gartenbau", "bakkerij", "winkel", "dentists",
        "vision", "chiro", "podiatry", "dermatology", "physicians", "associates", "noodle", "noodles", "ramen", "taco", "tacos", "burger", "burgers",
        "steakhouse", "mariscos", "cocina", "panificadora"
    ]
)
# Firms that write for their clients: their name in a signature is theirs, never the group's. The first kind only ever
# writes for others; an accounting or consulting firm may be the employer itself.
BROKER_WORDS = frozenset(["insurance", "benefits", "brokerage", "brokers", "broker", "agency", "seguros", "peo", "assurances", "versicherung"])
INTERMEDIARY_WORDS = BROKER_WORDS | frozenset(
    ["bookkeeping", "bookkeepers", "accounting", "accountants", "cpa", "cpas", "tax", "payroll", "consulting", "consultants", "advisors", "advisers",
     "advisory", "financial", "wealth", "comptabilite", "contabilidad", "asesores", "hr"]
)
_CONTACT = re.compile(r"\d|@|https?://|www\.|\.(?:com|org|net|test|us|io)\b", re.IGNORECASE)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower().strip(".,;:!?\"'“”‘’()")


_SPACE_OR_SLASH = re.compile(r"[\s/]+")


# The same short strings (a line, a subject part) are checked several times per email, and across emails: cached.
@lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    return tuple(w for w in _SPACE_OR_SLASH.split(text.strip()) if w)


@lru_cache(maxsize=16384)
def folded_words(text: str) -> tuple[str, ...]:
    return tuple(f for f in (fold(w) for w in words(text)) if f)


def has_suffix(name: str) -> bool:
    return any(fold(w) in _FOLDED_SUFFIXES for w in words(name)[1:])


@lru_cache(maxsize=16384)
def is_role(text: str) -> bool:
    return any(w in ROLES for w in folded_words(text)) and not has_suffix(text)


def is_contact(text: str) -> bool:
    """A line of phone numbers, addresses, sites: digits, "@", a URL."""
    return bool(_CONTACT.search(text))


def clean_name(value: str) -> str:
    """A name as written, without quotes, emphasis and trailing punctuation, but keeping "Inc." whole."""
    value = re.sub(r"\s+", " ", value).strip().strip("\"'“”‘’«»*_ ")
    value = value.rstrip(" ,;:!?").strip("\"'“”‘’*_ ")
    while value.endswith("."):
        last = fold(value.split(" ")[-1])
        if last in _DOTTED and len(value.split(" ")) > 1:
            break
        value = value[:-1].rstrip()
    return value


def name_like(text: str, person: frozenset[str] = frozenset()) -> bool:
    """A business name as people sign it: two to eight capitalised words, no contact details, no job title, not the sender."""
    found = words(text)
    if not 2 <= len(found) <= 8 or len(text) > 80:
        return False
    if "@" in text or re.search(r"https?://|www\.", text, re.IGNORECASE):
        return False
    if re.search(r"\d", text) and not has_suffix(text):
        return False
    if fold(found[0]) in CONNECTORS or is_role(text):
        return False
    folded = [fold(w) for w in found]
    if person and all(w in person or w in HONORIFICS for w in folded if w):
        return False  # the sender's own name
    for word in found:
        letters = [c for c in word if c.isalpha()]
        if not letters:
            if word not in ("&", "+", "-", "–"):
                return False
            continue
        if fold(word) in CONNECTORS:
            continue
        if not letters[0].isupper():
            return False
    return True


def business_words(name: str) -> set[str]:
    return {w for w in folded_words(name) if w in BUSINESS_WORDS}


def is_intermediary(name: str, strict: bool = False) -> bool:
    """A broker's, bookkeeper's or accountant's firm ("Castillo Tax & Bookkeeping", "Crescent Benefits Group"); ``strict``: a broker's only."""
    kinds = BROKER_WORDS if strict else INTERMEDIARY_WORDS
    return any(w in kinds for w in folded_words(name))


def looks_like_business(name: str, domain: str = "") -> bool:
    """A legal suffix, a kind of business, an "&" between names, or the sender's domain spelled out."""
    return has_suffix(name) or bool(business_words(name)) or " & " in name or spells_domain(name, domain)


def mail_domain(address: str) -> str:
    """The part of the sender's domain that names them: "clearwaterpoolsupply" for jim@clearwaterpoolsupply.test."""
    host = address.rpartition("@")[2].lower()
    labels = [label for label in host.split(".") if label]
    if len(labels) < 2:
        return ""
    name = labels[-2] if labels[-2] not in ("co", "com", "org", "net") or len(labels) < 3 else labels[-3]
    return re.sub(r"[^a-z]", "", name)


def spans(name: str) -> tuple[str, ...]:
    return tuple(re.sub(r"[^a-z]", "", w) for w in folded_words(name) if re.sub(r"[^a-z]", "", w))


def spells_domain(name: str, domain: str) -> bool:
    """True when the domain is the name's words, each whole, cut short or left out, in order: "missionoptometry" for
    "Mission Street Optometry", "summitridgept" for "Summit Ridge Physical Therapy"."""
    if len(domain) < 6:
        return False
    return _spells(spans(name)[:8], domain[:63])


@lru_cache(maxsize=4096)
def _spells(parts: tuple[str, ...], domain: str) -> bool:
    # Whether domain[pos:] can be spelled from parts[i:], each word whole, cut short or (after the first) left out.
    # At least two words must give something, so a domain that merely starts like a name does not count.
    memo: dict[tuple[int, int, int], bool] = {}

    def go(i: int, pos: int, used: int) -> bool:
        key = (i, pos, min(used, 2))
        if key in memo:
            return memo[key]
        if pos == len(domain):
            result = used >= 2
        elif i == len(parts):
            result = False
        else:
            word, longest = parts[i], 0
            while longest < len(word) and pos + longest < len(domain) and word[longest] == domain[pos + longest]:
                longest += 1
            least = 3 if i == 0 else 1
            result = (i > 0 and go(i + 1, pos, used)) or any(go(i + 1, pos + n, used + 1) for n in range(longest, least - 1, -1))
        memo[key] = result
        return result

    return go(0, 0, 0)
