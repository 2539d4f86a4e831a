//! Field kinds in one table: one row per [`Kind`] holding everything the generated code writes
//! differently for that kind — its domain, DTO, SQLAlchemy, migration and HTTP types, how a value
//! crosses each layer, and sample values. [`Field::new`](super::field::Field::new) reads the row;
//! nothing else matches on the kind. Adding a kind is adding a row here (and its word to the
//! field spec parser, `crate::spec::fields`); the `match` in [`Kind::facts`] refuses to compile
//! until the row exists.
//!
//! A row's texts are patterns. What depends on the field is a slot: `{}` is the value the snippet
//! reads (`dto.<attr>`, `<entity>.<attr>`, `record.<attr>` or `self.<attr>`, as each fact says),
//! `{name}` the field's own word, `{class}` its enum class, `{title}` its title (`Customer
//! email`), `{first}` / `{second}` the names and `{first_value}` / `{second_value}` the values of
//! its first two enum members (the first twice for a one-member enum), `{length}` the longest
//! member's length. Braces around anything else are literal (the JSON samples). What differs
//! between a required and an optional field is a [`Snippet`], one pattern for each.

use std::fmt::Write as _;

use super::field::EnumValue;
use crate::spec::fields::Kind;

/// The patterns of a required and of an optional field, for facts that differ between the two.
#[derive(Debug, Clone, Copy)]
pub struct Snippet {
    pub required: &'static str,
    pub optional: &'static str,
}

impl Snippet {
    /// The same pattern for both.
    const fn same(pattern: &'static str) -> Self {
        Self {
            required: pattern,
            optional: pattern,
        }
    }

    /// The pattern of a field that is (or is not) optional.
    pub fn pick(self, optional: bool) -> &'static str {
        if optional {
            self.optional
        } else {
            self.required
        }
    }
}

/// The value as it is: what most kinds do at most layer boundaries.
const VALUE: Snippet = Snippet::same("{}");
/// Nothing: a fact the kind does not have (money's single column, other kinds' money columns).
const NONE: Snippet = Snippet::same("");

/// What the generated code writes for one kind of field (see the module docs for the slots).
#[derive(Debug, Clone, Copy)]
pub struct KindFacts {
    /// Domain annotation without `| None`.
    pub py_type: &'static str,
    /// pydantic DTO annotation without `| None`.
    pub dto_type: &'static str,
    /// The domain value built from the DTO's attribute: `{}` is `dto.<attr>`.
    pub to_domain: Snippet,
    /// The DTO value read from the aggregate: `{}` is `<entity>.<attr>`.
    pub from_domain: Snippet,
    /// A valid domain value (factories, tests) and a second, different one.
    pub sample: [&'static str; 2],
    /// The JSON texts of the two samples, as the HTTP API accepts them.
    pub json_sample: [&'static str; 2],
    /// A valid DTO value, when it is not the domain sample.
    pub dto_sample: Option<&'static str>,
    /// The SQLAlchemy column's `Mapped[…]` type without `| None`; empty for money, which is two
    /// columns (`<name>_amount`, `<name>_currency`).
    pub sa_annotation: &'static str,
    /// The column type in `tables.py` (for money, the amount column's).
    pub sa_type: &'static str,
    /// The same type as an Alembic migration renders it.
    pub migration_type: &'static str,
    /// The column value read from the aggregate (mapper `to_values`): `{}` is `<entity>.<attr>`.
    pub to_record: Snippet,
    /// Money only: the amount and currency column values, `{}` as for `to_record`.
    pub to_record_amount: Snippet,
    pub to_record_currency: Snippet,
    /// The domain value rebuilt from a table row: `{}` is `record.<attr>` (money reads its two
    /// columns, `record.{name}_amount` and `record.{name}_currency`).
    pub from_record: Snippet,
    /// Annotation in HTTP request and response schemas without `| None`.
    pub http_type: Snippet,
    /// The DTO value built from the HTTP request schema: `{}` is `self.<attr>`.
    pub http_to_dto: Snippet,
    /// The HTTP response value read from the DTO: `{}` is `<entity>.<attr>`.
    pub http_from_dto: Snippet,
}

impl Kind {
    /// The kind's row.
    pub fn facts(self) -> &'static KindFacts {
        match self {
            Self::Str => &STR,
            Self::Int => &INT,
            Self::Bool => &BOOL,
            Self::Decimal => &DECIMAL,
            Self::Datetime => &DATETIME,
            Self::Date => &DATE,
            Self::Uuid => &UUID,
            Self::Email => &EMAIL,
            Self::Money => &MONEY,
            Self::Enum => &ENUM,
        }
    }
}

const STR: KindFacts = KindFacts {
    py_type: "str",
    dto_type: "str",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["\"{title} 1\"", "\"{title} 2\""],
    json_sample: ["\"{title} 1\"", "\"{title} 2\""],
    dto_sample: None,
    sa_annotation: "str",
    sa_type: "sa.Text",
    migration_type: "sa.Text()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    // The domain refuses blank required text: the schema says so, so no valid request gets a 422.
    http_type: Snippet {
        required: "NonBlankText",
        optional: "Text",
    },
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const INT: KindFacts = KindFacts {
    py_type: "int",
    dto_type: "int",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["1", "2"],
    json_sample: ["1", "2"],
    dto_sample: None,
    sa_annotation: "int",
    sa_type: "sa.BigInteger",
    migration_type: "sa.BigInteger()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("Int64"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const BOOL: KindFacts = KindFacts {
    py_type: "bool",
    dto_type: "bool",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["True", "False"],
    json_sample: ["true", "false"],
    dto_sample: None,
    sa_annotation: "bool",
    sa_type: "sa.Boolean",
    migration_type: "sa.Boolean()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("Flag"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const DECIMAL: KindFacts = KindFacts {
    py_type: "Decimal",
    dto_type: "Decimal",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["Decimal(\"1.50\")", "Decimal(\"2.25\")"],
    json_sample: ["\"1.50\"", "\"2.25\""],
    dto_sample: None,
    sa_annotation: "Decimal",
    sa_type: "ExactDecimal",
    migration_type: "ExactDecimal()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("StoredDecimal"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const DATETIME: KindFacts = KindFacts {
    py_type: "datetime",
    dto_type: "datetime",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: [
        "datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)",
        "datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)",
    ],
    json_sample: ["\"2024-01-02T03:04:05Z\"", "\"2024-02-03T04:05:06Z\""],
    dto_sample: None,
    sa_annotation: "datetime",
    sa_type: "UtcDateTime",
    migration_type: "UtcDateTime()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("StoredDatetime"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const DATE: KindFacts = KindFacts {
    py_type: "date",
    dto_type: "date",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["date(2024, 1, 2)", "date(2024, 2, 3)"],
    json_sample: ["\"2024-01-02\"", "\"2024-02-03\""],
    dto_sample: None,
    sa_annotation: "date",
    sa_type: "sa.Date",
    migration_type: "sa.Date()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("StoredDate"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

const UUID: KindFacts = KindFacts {
    py_type: "UUID",
    dto_type: "UUID",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: [
        "UUID(\"00000000-0000-4000-8000-000000000001\")",
        "UUID(\"00000000-0000-4000-8000-000000000002\")",
    ],
    json_sample: [
        "\"00000000-0000-4000-8000-000000000001\"",
        "\"00000000-0000-4000-8000-000000000002\"",
    ],
    dto_sample: None,
    sa_annotation: "UUID",
    sa_type: "sa.Uuid",
    migration_type: "sa.Uuid()",
    to_record: VALUE,
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: VALUE,
    http_type: Snippet::same("UUID"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

/// An e-mail address is a domain value object over a string; DTOs and the table hold the string.
const EMAIL: KindFacts = KindFacts {
    py_type: "Email",
    dto_type: "str",
    // Optional values go through helpers that pass `None` through, so lines stay short.
    to_domain: Snippet {
        required: "Email({})",
        optional: "Email.parse_optional({})",
    },
    from_domain: Snippet {
        required: "{}.value",
        optional: "Email.value_of({})",
    },
    sample: ["Email(\"ada@example.com\")", "Email(\"grace@example.com\")"],
    json_sample: ["\"ada@example.com\"", "\"grace@example.com\""],
    dto_sample: Some("\"ada@example.com\""),
    sa_annotation: "str",
    // 320: the longest e-mail address (RFC 5321's path limit as commonly enforced), the HTTP
    // schema's `EmailText` limit too.
    sa_type: "sa.String(320)",
    migration_type: "sa.String(length=320)",
    // Optional values go through the mapper's `_or_none(value, convert)` helper.
    to_record: Snippet {
        required: "{}.value",
        optional: "_or_none({}, str)",
    },
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: Snippet {
        required: "Email({})",
        optional: "_or_none({}, Email)",
    },
    http_type: Snippet::same("EmailText"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

/// Money is an amount and a currency: a value object, a DTO and an HTTP schema of its own, and
/// two columns.
const MONEY: KindFacts = KindFacts {
    py_type: "Money",
    dto_type: "MoneyDTO",
    to_domain: Snippet {
        required: "{}.to_domain()",
        optional: "MoneyDTO.optional_to_domain({})",
    },
    from_domain: Snippet {
        required: "MoneyDTO.from_domain({})",
        optional: "MoneyDTO.from_optional({})",
    },
    sample: [
        "Money(Decimal(\"10.00\"), \"EUR\")",
        "Money(Decimal(\"12.50\"), \"EUR\")",
    ],
    json_sample: [
        "{\"amount\": \"10.00\", \"currency\": \"EUR\"}",
        "{\"amount\": \"12.50\", \"currency\": \"EUR\"}",
    ],
    dto_sample: Some("MoneyDTO(amount=Decimal(\"10.00\"), currency=\"EUR\")"),
    sa_annotation: "",
    sa_type: "ExactDecimal",
    migration_type: "ExactDecimal()",
    to_record: NONE,
    to_record_amount: Snippet {
        required: "{}.amount",
        optional: "_or_none({}, _amount)",
    },
    to_record_currency: Snippet {
        required: "{}.currency",
        optional: "_or_none({}, _currency)",
    },
    // The money columns' attributes are `<name>_amount` / `<name>_currency`, never a keyword.
    from_record: Snippet {
        required: "Money(record.{name}_amount, record.{name}_currency)",
        optional: "_money_or_none(record.{name}_amount, record.{name}_currency)",
    },
    http_type: Snippet::same("HttpMoneySchema"),
    http_to_dto: Snippet {
        required: "{}.to_dto()",
        optional: "HttpMoneySchema.optional_to_dto({})",
    },
    http_from_dto: Snippet {
        required: "HttpMoneySchema.from_dto({})",
        optional: "HttpMoneySchema.from_optional_dto({})",
    },
};

/// An enum field is a class of its own (`{class}`), stored as its member's value.
const ENUM: KindFacts = KindFacts {
    py_type: "{class}",
    dto_type: "{class}",
    to_domain: VALUE,
    from_domain: VALUE,
    sample: ["{class}.{first}", "{class}.{second}"],
    json_sample: ["\"{first_value}\"", "\"{second_value}\""],
    dto_sample: None,
    sa_annotation: "str",
    sa_type: "sa.String({length})",
    migration_type: "sa.String(length={length})",
    to_record: Snippet {
        required: "{}.value",
        optional: "_or_none({}, str)",
    },
    to_record_amount: NONE,
    to_record_currency: NONE,
    from_record: Snippet {
        required: "{class}({})",
        optional: "_or_none({}, {class})",
    },
    http_type: Snippet::same("{class}"),
    http_to_dto: VALUE,
    http_from_dto: VALUE,
};

/// What fills a field's slots.
#[derive(Debug, Clone, Copy)]
pub struct Slots<'a> {
    pub name: &'a str,
    pub class: &'a str,
    pub title: &'a str,
    pub values: &'a [EnumValue],
}

impl Slots<'_> {
    /// `pattern` with its slots filled; `value`, as `(object, attr)`, is what `{}` writes
    /// (`object.attr`), `None` for a fact that reads no value.
    ///
    /// # Panics
    /// On a slot the module docs do not list, or `{}` without a value: a mistake in the table,
    /// which the tests fill every pattern of.
    pub fn fill(&self, pattern: &str, value: Option<(&str, &str)>) -> String {
        let mut out = String::with_capacity(pattern.len() + 24);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close)
                    if after[..close]
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b == b'_') =>
                {
                    self.write_slot(&after[..close], value, &mut out);
                    rest = &after[close + 1..];
                }
                _ => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn write_slot(&self, slot: &str, value: Option<(&str, &str)>, out: &mut String) {
        let first = self.values.first();
        let second = self.values.get(1).or(first);
        match slot {
            "" => {
                let (object, attr) = value.expect("a pattern reads `{}`, but its fact has none");
                out.push_str(object);
                out.push('.');
                out.push_str(attr);
            }
            "name" => out.push_str(self.name),
            "class" => out.push_str(self.class),
            "title" => out.push_str(self.title),
            "first" => out.push_str(first.map_or("", |m| &m.name)),
            "second" => out.push_str(second.map_or("", |m| &m.name)),
            "first_value" => out.push_str(first.map_or("", |m| &m.value)),
            "second_value" => out.push_str(second.map_or("", |m| &m.value)),
            "length" => {
                let length = self.values.iter().map(|v| v.value.len()).max();
                let _ = write!(out, "{}", length.unwrap_or(1));
            }
            other => panic!("unknown slot `{{{other}}}` in a field kind's pattern"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind, read from the type's own JSON schema (so a new kind is in the list).
    fn every_kind() -> Vec<Kind> {
        let schema = schemars::schema_for!(Kind).to_value();
        let words = schema["enum"].as_array().expect("Kind is a plain enum");
        let kinds: Vec<Kind> = words
            .iter()
            .map(|word| serde_json::from_value(word.clone()).unwrap())
            .collect();
        assert_eq!(kinds.len(), 10, "{words:?}");
        kinds
    }

    /// Every text a row gives a field, filled as for an optional or a required enum-ish field.
    fn filled(facts: &KindFacts, optional: bool) -> Vec<String> {
        let values = [
            EnumValue {
                name: "PENDING".into(),
                value: "pending".into(),
            },
            EnumValue {
                name: "PAID".into(),
                value: "paid".into(),
            },
        ];
        let slots = Slots {
            name: "total",
            class: "OrderTotal",
            title: "Total",
            values: &values,
        };
        let value = Some(("order", "total"));
        let mut texts: Vec<String> = [facts.py_type, facts.dto_type, facts.sa_annotation]
            .into_iter()
            .chain([facts.sa_type, facts.migration_type])
            .chain(facts.sample)
            .chain(facts.json_sample)
            .chain(facts.dto_sample)
            .map(|pattern| slots.fill(pattern, None))
            .collect();
        texts.extend(
            [
                facts.to_domain,
                facts.from_domain,
                facts.to_record,
                facts.to_record_amount,
                facts.to_record_currency,
                facts.from_record,
                facts.http_type,
                facts.http_to_dto,
                facts.http_from_dto,
            ]
            .map(|snippet| slots.fill(snippet.pick(optional), value)),
        );
        texts
    }

    #[test]
    fn every_kind_has_a_row_whose_slots_all_fill() {
        for kind in every_kind() {
            for optional in [false, true] {
                for text in filled(kind.facts(), optional) {
                    let slot = text.find('{').and_then(|open| {
                        let name = &text[open + 1..];
                        let close = name.find('}')?;
                        name[..close]
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b == b'_')
                            .then_some(&text[open..=open + close + 1])
                    });
                    assert_eq!(slot, None, "{kind:?} (optional: {optional}): `{text}`");
                }
            }
        }
    }

    #[test]
    fn fill_writes_slots_and_keeps_other_braces() {
        let values = [EnumValue {
            name: "ONLY".into(),
            value: "only_one".into(),
        }];
        let slots = Slots {
            name: "status",
            class: "OrderStatus",
            title: "Status",
            values: &values,
        };
        assert_eq!(
            slots.fill("{class}.{second} {second_value} {length}", None),
            "OrderStatus.ONLY only_one 8"
        );
        assert_eq!(
            slots.fill("_or_none({}, {class})", Some(("record", "status"))),
            "_or_none(record.status, OrderStatus)"
        );
        assert_eq!(
            slots.fill("{\"amount\": \"{title}\"} {", None),
            "{\"amount\": \"Status\"} {"
        );
    }

    #[test]
    #[should_panic(expected = "unknown slot `{nmae}`")]
    fn a_misspelt_slot_is_a_table_mistake() {
        let slots = Slots {
            name: "x",
            class: "",
            title: "X",
            values: &[],
        };
        let _ = slots.fill("record.{nmae}", None);
    }

    /// The classes, type aliases and helpers a row names are ones the templates define (or
    /// Python's and SQLAlchemy's): a renamed template class fails here, not in a generated project.
    #[test]
    fn every_name_a_row_uses_is_defined_by_the_templates() {
        // Python's own names, and the JSON samples' literals.
        const BUILT_IN: &[&str] = &[
            "str", "int", "bool", "Decimal", "datetime", "date", "UUID", "True", "False", "true",
            "false",
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        let mut templates = String::new();
        let mut folders = vec![root];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                } else {
                    templates.push_str(&std::fs::read_to_string(path).unwrap());
                }
            }
        }
        let defined = |name: &str| {
            [
                format!("class {name}("),
                format!("class {name}:"),
                format!("\n{name} = "),
                format!("def {name}("),
            ]
            .iter()
            .any(|definition| templates.contains(definition.as_str()))
        };
        for kind in every_kind() {
            for optional in [false, true] {
                for text in filled(kind.facts(), optional) {
                    // Names that are called, or that are the whole text (an annotation).
                    let mut names: Vec<&str> = text
                        .match_indices('(')
                        .map(|(at, _)| {
                            let head = &text[..at];
                            let start = head
                                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                                .map_or(0, |i| i + 1);
                            &head[start..]
                        })
                        .collect();
                    if text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                        names.push(&text);
                    }
                    for name in names {
                        let sqlalchemy =
                            text.contains(&format!("sa.{name}(")) || text == format!("sa.{name}");
                        assert!(
                            name.is_empty()
                                || name.starts_with(|c: char| c.is_ascii_digit())
                                || BUILT_IN.contains(&name)
                                || sqlalchemy
                                || name == "OrderTotal"
                                || defined(name),
                            "{kind:?}: `{name}` in `{text}` is defined by no template"
                        );
                    }
                }
            }
        }
        // The e-mail column and the HTTP schema's e-mail type take the same longest address.
        assert!(EMAIL.sa_type.contains("(320)"));
        assert!(
            templates
                .contains("EmailText = Annotated[StrictStr, Field(min_length=3, max_length=320,")
        );
    }
}
