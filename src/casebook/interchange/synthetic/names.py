"""Obviously fictional names, streets, places and identifiers.

Nothing generated may look like a real person's record: surnames are invented
compounds ("Thistlewick", "Quillhollow"), streets are plants and birds in a
city that does not exist (Fernmouth), postcodes sit in the ``ZZ`` area, which
no real postcode uses, and UPNs carry the unused local authority number 999.
First names are ordinary ones: alone they identify nobody, and a record
full of invented first names would be hard to read in a demonstration.
"""

from __future__ import annotations

from random import Random

CITY = "Fernmouth"

#: The city's localities; each has a safeguarding and an early help team and
#: its own postcode districts.
LOCALITIES = ("Northfold", "Eastmere", "Southwick Vale", "Westcombe")

_SURNAME_HEADS = (
    "Amber", "Bracken", "Bramble", "Cinder", "Clover", "Dapple", "Ember", "Fennel",
    "Foxglove", "Gorse", "Hazel", "Heather", "Juniper", "Kestrel", "Larch", "Linden",
    "Marigold", "Marrow", "Mossy", "Nettle", "Oriel", "Pebble", "Quill", "Rowan",
    "Saffron", "Sorrel", "Teasel", "Thistle", "Umber", "Vetch", "Willow", "Yarrow",
)  # fmt: skip
_SURNAME_TAILS = (
    "wick", "hollow", "thorne", "combe", "brook", "mantle", "whistle", "ridge",
    "dew", "feather", "gate", "kettle", "lantern", "meadow", "spindle", "wold",
)  # fmt: skip

_GIRLS = (
    "Amelia", "Ava", "Aisha", "Chloe", "Daisy", "Ella", "Emily", "Erin", "Evie", "Fatima",
    "Freya", "Grace", "Hannah", "Isla", "Ivy", "Jade", "Layla", "Lily", "Maisie", "Maryam",
    "Mia", "Nadia", "Olivia", "Phoebe", "Poppy", "Priya", "Ruby", "Scarlett", "Sophie",
    "Zara", "Zainab", "Esme", "Niamh", "Amara", "Leah", "Holly", "Megan", "Kayla",
)  # fmt: skip
_BOYS = (
    "Adam", "Alfie", "Arthur", "Ayaan", "Callum", "Charlie", "Daniel", "Dylan", "Ethan",
    "Finley", "Freddie", "George", "Harry", "Henry", "Ibrahim", "Isaac", "Jack", "Jacob",
    "Kai", "Leo", "Liam", "Logan", "Mason", "Mohammed", "Noah", "Oliver", "Oscar", "Reuben",
    "Riley", "Rohan", "Samuel", "Theo", "Tyler", "Yusuf", "Zain", "Kofi", "Owen", "Jayden",
)  # fmt: skip
_WOMEN = (
    "Sarah", "Emma", "Laura", "Rebecca", "Gemma", "Kirsty", "Nicola", "Samina", "Leanne",
    "Claire", "Danielle", "Stacey", "Hayley", "Amina", "Joanne", "Natalie", "Shabana",
    "Kelly", "Rachel", "Chantelle", "Precious", "Agnieszka", "Lisa", "Michelle",
)  # fmt: skip
_MEN = (
    "Lee", "Craig", "Jamie", "Darren", "Imran", "Paul", "Wayne", "Ryan", "Mark", "Asif",
    "Stuart", "Dean", "Gareth", "Kieran", "Marcin", "Tariq", "Carl", "Scott", "Emeka",
    "Shane", "Gavin", "Nathan", "Adrian", "Jason",
)  # fmt: skip

_STREET_HEADS = (
    "Larkspur", "Wren", "Campion", "Plover", "Sedge", "Tansy", "Merlin", "Bluebell",
    "Starling", "Lapwing", "Celandine", "Chervil", "Dunnock", "Fieldfare", "Harebell",
    "Kingcup", "Linnet", "Meadowsweet", "Nuthatch", "Oxlip", "Pipit", "Ragwort",
    "Skylark", "Speedwell", "Stonechat", "Teal", "Toadflax", "Vervain", "Whinchat",
    "Woodruff", "Yellowhammer", "Cowslip",
)  # fmt: skip
_STREET_TAILS = (
    "Row", "Lane", "Close", "Way", "Crescent", "Walk", "Gardens", "Drive", "Court",
    "Mews", "Rise", "Terrace",
)  # fmt: skip

_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use


def surname(rng: Random) -> str:
    return rng.choice(_SURNAME_HEADS) + rng.choice(_SURNAME_TAILS)


def forename(rng: Random, sex: str, adult: bool = False) -> str:
    if adult:
        return rng.choice(_WOMEN if sex == "F" else _MEN)
    return rng.choice(_GIRLS if sex == "F" else _BOYS)


def street(rng: Random) -> str:
    return f"{rng.randint(1, 140)} {rng.choice(_STREET_HEADS)} {rng.choice(_STREET_TAILS)}"


def postcode(rng: Random, district: int, area: str = "ZZ") -> str:
    """A postcode in the fictional ``ZZ`` area (``ZY`` for placements far away)."""
    a, b = rng.choice(_POSTCODE_LETTERS), rng.choice(_POSTCODE_LETTERS)
    return f"{area}{district} {rng.randint(1, 9)}{a}{b}"


def locality_districts(locality: int) -> range:
    """Each locality owns three postcode districts: ZZ1-3, ZZ4-6, ..."""
    return range(locality * 3 + 1, locality * 3 + 4)


_UPN_CHECK = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn(rng: Random, school: int, year: int) -> str:
    """A well-formed UPN for the fictional LA 999 (check letter computed as the DfE does)."""
    body = f"999{school:04d}{year % 100:02d}{rng.randint(0, 999):03d}"
    total = sum(int(ch) * w for ch, w in zip(body, range(2, 14), strict=True))
    return _UPN_CHECK[total % 23] + body


def school_urn(rng: Random) -> str:
    """A six-digit school URN in a range no real school uses."""
    return f"99{rng.randint(0, 9999):04d}"


def social_care_urn(rng: Random) -> str:
    """An Ofsted social care URN (``SC`` and six digits) in an unused range."""
    return f"SC99{rng.randint(0, 9999):04d}"


#: What the SSDA903 writes when a placement has no URN (with parents, relatives...).
NO_URN = "XXXXXXX"
