"""Hypothesis strategies for `python-ddd generate domain` inputs: context names, entity overrides and field specs
built from the words most likely to break generated code (Python keywords, soft keywords and built-ins; pydantic
`BaseModel` and SQLAlchemy attribute names; SQLite and PostgreSQL reserved words; names derived from the context),
realistic domain words, and random characters.
"""

from __future__ import annotations

import builtins
import keyword
import re

import pydantic
import sqlalchemy.orm
from hypothesis import strategies as st

from harness import API, EVENT_BUS, LAYOUT, PERSISTENCE, Combo

MAX_NAME = 40  # docs/naming.md: the longest context, entity, field or enum-member name

REALISTIC = """
    order orders shipment shipments tracking event events customer customers invoice invoices line lines item
    items payment payments status kind group user note total amount price email address created archived record
    value data account ledger entry warehouse stock product catalog category categories person people fish sheep
    series news analysis process status bus box quiz index matrix criterion datum child children octopus virus
    alias crisis notification reference a b x y id ids uow dto cache session engine container settings app
    router request response page limit offset cursor seq version archived_at
""".split()
SQL_RESERVED = """
    abort action all alter analyse analyze and any array as asc between both by cascade case cast check collate
    column commit constraint create cross current current_date current_time current_timestamp current_user
    database default deferrable delete desc distinct do drop each else end escape except exists fetch for
    foreign from full glob grant group having ilike in index initially inner insert intersect into is isnull
    join key lateral leading left like limit localtime match natural not notnull null of offset on only or order
    outer over placing pragma primary raise references regexp reindex rename replace returning right rollback
    row rows select session_user set similar some symmetric table then to trailing transaction trigger union
    unique update user using vacuum values variadic verbose view when where window with without
""".split()
PYTHON_WORDS = sorted(
    set(keyword.kwlist)
    | set(keyword.softkwlist)
    | {n for n in dir(builtins) if not n.startswith("_")}
    | {n for n in dir(pydantic.BaseModel) if not n.startswith("_")}
    | {n for n in dir(sqlalchemy.orm.DeclarativeBase) if not n.startswith("_")}
    | {"date", "datetime", "field", "dataclass", "sa", "mapped_column", "self", "cls", "json", "copy", "schema"}
)
GENERATED_WORDS = """
    create archive is_archived pull_events pending_events to_dto from_dto to_domain from_domain metadata
    registry base money domain_event event_id occurred_at type_ from_ model_year model_dump_x items total_amount
    total_currency
""".split()
KINDS = ["str", "int", "bool", "decimal", "datetime", "date", "uuid", "email", "money"]
# Field names of exactly MAX_NAME characters: the longest the generator must accept.
MAX_FIELD_NAMES = [
    "customer_delivery_confirmation_reference",
    "international_shipment_tracking_number_x",
    "the_total_amount_of_money_for_this_order",
    "warehouse_stock_adjustment_reason_detail",
    "expected_delivery_date_for_this_shipment",
]

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*_?$")


def _lower_words() -> st.SearchStrategy[str]:
    pool = sorted({w for w in [*REALISTIC, *SQL_RESERVED, *PYTHON_WORDS, *GENERATED_WORDS] if SNAKE.match(w)})
    return st.sampled_from(pool)


def _joined(words: st.SearchStrategy[str], separator: str, max_words: int) -> st.SearchStrategy[str]:
    return st.lists(words, min_size=1, max_size=max_words).map(separator.join)


def context_names() -> st.SearchStrategy[str]:
    """Mostly realistic snake_case or kebab-case names, 1 to ~44 characters; sometimes random characters."""
    realistic = st.sampled_from([w for w in REALISTIC if SNAKE.match(w) and not w.endswith("_")])
    words = st.one_of(
        _joined(realistic, "_", 5),
        _joined(realistic, "-", 5),
        _joined(_lower_words().map(lambda w: w.rstrip("_")), "_", 3),
    )
    long_words = st.integers(1, 44).flatmap(
        lambda n: _joined(realistic, "_", 8).map(lambda w, n=n: (w * 8)[:n].strip("_") or "x")
    )
    random_chars = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=44)
    return st.one_of(words, words, long_words, long_contexts(), long_contexts(), random_chars).filter(
        lambda n: n.strip() != ""
    )


def long_contexts() -> st.SearchStrategy[str]:
    """Realistic names of 25 to 40 characters (issue 9: they must generate green projects, default entity too):
    whole words joined by `_` or `-`, cut at a word boundary."""
    realistic = st.sampled_from([w for w in REALISTIC if SNAKE.match(w) and len(w) > 2 and not w.endswith("_")])

    def fit(words: list[str], separator: str, length: int) -> str:
        name = separator.join(words)
        while len(name) > length and separator in name:
            name = name.rsplit(separator, 1)[0]
        return name[:length]

    return st.tuples(st.lists(realistic, min_size=6, max_size=10), st.sampled_from("_-"), st.integers(25, 40)).map(
        lambda t: fit(*t)
    )


def _pascal(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[_-]", snake) if part)


def entities() -> st.SearchStrategy[str | None]:
    """No override (the default is derived from the name), a PascalCase word list, or random characters."""
    pascal = _joined(_lower_words(), "_", 4).map(_pascal).filter(bool).map(lambda e: e[:44])
    random_chars = st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=44
    )
    return st.one_of(st.none(), st.none(), pascal, pascal, random_chars)


def _field_names(context: str) -> st.SearchStrategy[str]:
    snake = context.replace("-", "_")
    derived = [snake, f"{snake}_id", snake.rstrip("s"), f"{snake.rstrip('s')}_id", f"{snake}_amount"]
    long_name = st.integers(30, 42).map(lambda n: ("shipment_tracking_event_" * 3)[:n].strip("_"))
    longest = st.sampled_from(MAX_FIELD_NAMES)
    return st.one_of(
        _lower_words(),
        _lower_words(),
        longest,
        st.sampled_from(PYTHON_WORDS),  # mixed case too: `False`, `ValueError` are refused
        st.sampled_from(derived),
        long_name,
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=12),
    )


def _types() -> st.SearchStrategy[str]:
    members = st.lists(
        st.one_of(_lower_words(), st.integers(1, 42).map(lambda n: ("member_value_" * 4)[:n].strip("_"))),
        min_size=1,
        max_size=4,
        unique=True,
    ).map(lambda values: f"enum({'|'.join(values)})")
    return st.tuples(st.one_of(st.sampled_from(KINDS), members), st.booleans()).map(
        lambda t: t[0] + ("?" if t[1] else "")
    )


def field_specs(context: str) -> st.SearchStrategy[str | None]:
    """None (the default fields) or 1-30 `name:type[?]` items, names mostly unique."""
    items = st.lists(
        st.tuples(_field_names(context), _types()), min_size=1, max_size=30, unique_by=lambda item: item[0]
    ).map(lambda items: ",".join(f"{name}:{ty}" for name, ty in items))
    return st.one_of(st.none(), items, items, items)


def long_entities() -> st.SearchStrategy[str]:
    """PascalCase entity overrides of 25 to 40 characters from realistic words (issue 9: up to the limit)."""
    realistic = st.sampled_from([w for w in REALISTIC if SNAKE.match(w) and len(w) > 2 and not w.endswith("_")])
    return st.tuples(st.lists(realistic, min_size=6, max_size=12), st.integers(25, MAX_NAME)).map(
        lambda t: _pascal("_".join(t[0]))[: t[1]]
    )


def longest_fields() -> st.SearchStrategy[str]:
    """1-12 fields of 35-40 characters, every kind, optional or not, enums with 40-character members."""
    names = st.one_of(
        st.sampled_from(MAX_FIELD_NAMES),
        st.integers(35, MAX_NAME).map(lambda n: ("delivery_confirmation_reference_" * 3)[:n].strip("_")),
    )
    member = st.integers(30, MAX_NAME).map(lambda n: ("awaiting_pickup_at_the_origin_" * 3)[:n].strip("_"))
    kinds = st.one_of(
        st.sampled_from(KINDS),
        st.lists(member, min_size=1, max_size=3, unique=True).map(lambda values: f"enum({'|'.join(values)})"),
    )
    items = st.tuples(names, kinds, st.booleans()).map(lambda t: f"{t[0]}:{t[1]}{'?' if t[2] else ''}")
    # Distinct names: a numbered suffix keeps them within the limit.
    return st.lists(items, min_size=1, max_size=12).map(
        lambda fields: ",".join(
            f"{f.split(':', 1)[0][:37].rstrip('_')}_{i:02d}:{f.split(':', 1)[1]}" for i, f in enumerate(fields)
        )
    )


@st.composite
def longest_combos(draw: st.DrawFn) -> Combo:
    """A long context, often a long entity override, and long fields together: the lines that carry the most
    names (issue 9)."""
    name = draw(long_contexts())
    return Combo(
        persistence=draw(st.sampled_from(PERSISTENCE)),
        event_bus=draw(st.sampled_from(EVENT_BUS)),
        api=draw(st.sampled_from(API)),
        layout=draw(st.sampled_from(LAYOUT)),
        fields=draw(longest_fields()),
        name=name,
        entity=draw(st.one_of(st.none(), long_entities())),
    )


def combos() -> st.SearchStrategy[Combo]:
    return st.one_of(any_combos(), longest_combos())


@st.composite
def any_combos(draw: st.DrawFn) -> Combo:
    name = draw(context_names())
    return Combo(
        persistence=draw(st.sampled_from(PERSISTENCE)),
        event_bus=draw(st.sampled_from(EVENT_BUS)),
        api=draw(st.sampled_from(API)),
        layout=draw(st.sampled_from(LAYOUT)),
        fields=draw(field_specs(name)),
        name=name,
        entity=draw(entities()),
    )
