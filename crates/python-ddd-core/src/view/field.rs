//! A field as templates see it ([`Field`]): a parsed [`FieldSpec`] given its names in every case,
//! one flag per kind and the ready-made Python snippets every layer's templates need.
//!
//! The snippets are derived here, once, so templates stay declarative: a template never decides
//! how a `money` field is annotated, sampled or serialised; it prints what the field says.

use serde::Serialize;

use crate::names;
use crate::spec::fields::{FieldSpec, Kind, enum_class, python_attr};

/// One enum member: `PENDING = "pending"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnumValue {
    pub name: String,
    pub value: String,
}

/// A field as templates see it: names in every case, flags, and ready-made Python snippets.
#[derive(Debug, Clone, Serialize)]
#[allow(clippy::struct_excessive_bools)] // one flag per kind is what `{{#if is_money}}` needs
pub struct Field {
    /// The user's word: the JSON key, the column name, what messages and docs say.
    pub name: String,
    /// The Python attribute and parameter name: `name`, or `name_` where `name` would break Python
    /// code (`from` → `from_`, `type` → `type_`); see [`python_attr`].
    pub attr: String,
    /// `attr` differs from `name`: HTTP schemas give the attribute an alias, tables a column name.
    pub aliased: bool,
    /// The name of the enum field's CHECK constraint, within PostgreSQL's 63 bytes (set by the
    /// model, which knows the table); empty for other kinds.
    pub check_name: String,
    pub pascal: String,
    pub camel: String,
    pub kebab: String,
    pub upper: String,
    pub title: String,
    pub kind: Kind,
    pub optional: bool,
    pub required: bool,
    pub is_str: bool,
    pub is_int: bool,
    pub is_bool: bool,
    pub is_decimal: bool,
    pub is_datetime: bool,
    pub is_date: bool,
    pub is_uuid: bool,
    pub is_email: bool,
    pub is_money: bool,
    pub is_enum: bool,
    /// `OrderStatus` for enum fields, empty otherwise.
    pub enum_class: String,
    pub enum_values: Vec<EnumValue>,
    /// Domain annotation without `| None`: `Money`, `Email`, `OrderStatus`, `Decimal`, `str`, …
    pub py_base_type: String,
    /// Domain annotation: `Money | None` for an optional money field.
    pub py_type: String,
    /// pydantic DTO / HTTP schema annotation without `| None`: emails are `str`, money is `MoneyDTO`.
    pub dto_base_type: String,
    /// pydantic annotation, with `| None` when optional.
    pub dto_type: String,
    /// A valid domain value as a Python expression, for factories and tests.
    pub sample: String,
    /// A second valid domain value, different from `sample`.
    pub sample_alt: String,
    /// The JSON text of `sample` as the HTTP API accepts it.
    pub json_sample: String,
    /// The domain value built from the DTO attribute `dto.<name>` (use cases name their input `dto`):
    /// `Email(dto.customer_email)`, `dto.total.to_domain()`, `None if dto.x is None else …`.
    pub to_domain: String,
    /// The DTO value read from the aggregate attribute `<entity_snake>.<name>`:
    /// `order.customer_email.value`, `MoneyDTO.from_domain(order.total)`.
    pub from_domain: String,
    /// A valid DTO value as a Python expression (the DTO-level twin of `sample`).
    pub dto_sample: String,
    /// Python value type of the SQLAlchemy column (`Mapped[…]`), with `| None` when optional;
    /// money is two columns (`<name>_amount: Decimal`, `<name>_currency: str`), this is empty.
    pub sa_annotation: String,
    /// SQLAlchemy column type in `tables.py` (`sa.Text`, `ExactDecimal`, `sa.String(9)`, …); for
    /// money, the type of the amount column.
    pub sa_type: String,
    /// The same type as an Alembic migration renders it (`sa.Text()`, `sa.String(length=9)`, …).
    pub migration_type: String,
    /// Column value read from the aggregate `<entity_snake>` (mapper `to_values`), non-money kinds.
    pub to_record: String,
    /// Money only: the amount / currency column values read from the aggregate.
    pub to_record_amount: String,
    pub to_record_currency: String,
    /// The domain value rebuilt from a table row named `record`.
    pub from_record: String,
    /// Annotation in HTTP request/response schemas without `| None` (`HttpMoneySchema` for money).
    pub http_base_type: String,
    /// HTTP schema annotation, with `| None` when optional.
    pub http_type: String,
    /// DTO value built from the HTTP request schema attribute `self.<name>`.
    pub http_to_dto: String,
    /// HTTP response value read from the DTO named `<entity_snake>`.
    pub http_from_dto: String,
    /// `json_sample` as a Python expression (`True`, not `true`), for HTTP tests.
    pub json_py_sample: String,
    /// A second JSON value as a Python expression (from `sample_alt`).
    pub json_py_sample_alt: String,
}

impl Field {
    /// Gives a parsed spec its names and snippets; `entity` is the aggregate root's class name.
    pub fn new(spec: &FieldSpec, entity: &str) -> Self {
        let kind = spec.kind;
        let pascal = names::pascal(&spec.name);
        let entity_snake = names::snake(entity);
        let attr = python_attr(&spec.name, &entity_snake);
        let enum_class = if kind == Kind::Enum {
            enum_class(entity, &pascal)
        } else {
            String::new()
        };
        let enum_values: Vec<EnumValue> = spec
            .enum_values
            .iter()
            .map(|value| EnumValue {
                name: names::upper(value),
                value: value.clone(),
            })
            .collect();
        let title = names::title(&spec.name);
        let py_base_type = match kind {
            Kind::Str => "str",
            Kind::Int => "int",
            Kind::Bool => "bool",
            Kind::Decimal => "Decimal",
            Kind::Datetime => "datetime",
            Kind::Date => "date",
            Kind::Uuid => "UUID",
            Kind::Email => "Email",
            Kind::Money => "Money",
            Kind::Enum => &enum_class,
        }
        .to_owned();
        let dto_base_type = match kind {
            Kind::Email => "str".to_owned(),
            Kind::Money => "MoneyDTO".to_owned(),
            _ => py_base_type.clone(),
        };
        let with_none = |ty: &str| {
            if spec.optional {
                format!("{ty} | None")
            } else {
                ty.to_owned()
            }
        };
        let (sample, sample_alt, json_sample) = samples(kind, &title, &enum_class, &enum_values);
        let conversions = conversions(kind, spec.optional, &attr, &entity_snake, &sample);
        let adapters = adapter_snippets(
            kind,
            spec.optional,
            (&spec.name, &attr),
            &entity_snake,
            &enum_class,
            &enum_values,
        );
        let json_py_sample = python_json(&json_sample);
        let json_py_sample_alt = python_json(&json_alt(kind, &title, &enum_values));
        Self {
            name: spec.name.clone(),
            aliased: attr != spec.name,
            attr,
            check_name: String::new(),
            camel: names::camel(&spec.name),
            kebab: names::kebab(&spec.name),
            upper: names::upper(&spec.name),
            title,
            kind,
            optional: spec.optional,
            required: !spec.optional,
            is_str: kind == Kind::Str,
            is_int: kind == Kind::Int,
            is_bool: kind == Kind::Bool,
            is_decimal: kind == Kind::Decimal,
            is_datetime: kind == Kind::Datetime,
            is_date: kind == Kind::Date,
            is_uuid: kind == Kind::Uuid,
            is_email: kind == Kind::Email,
            is_money: kind == Kind::Money,
            is_enum: kind == Kind::Enum,
            py_type: with_none(&py_base_type),
            dto_type: with_none(&dto_base_type),
            py_base_type,
            dto_base_type,
            enum_class,
            enum_values,
            sample,
            sample_alt,
            json_sample,
            to_domain: conversions.to_domain,
            from_domain: conversions.from_domain,
            dto_sample: conversions.dto_sample,
            sa_annotation: adapters.sa_annotation,
            sa_type: adapters.sa_type,
            migration_type: adapters.migration_type,
            to_record: adapters.to_record,
            to_record_amount: adapters.to_record_amount,
            to_record_currency: adapters.to_record_currency,
            from_record: adapters.from_record,
            http_base_type: adapters.http_base_type,
            http_type: adapters.http_type,
            http_to_dto: adapters.http_to_dto,
            http_from_dto: adapters.http_from_dto,
            json_py_sample,
            json_py_sample_alt,
            pascal,
        }
    }
}

/// The DTO ↔ domain snippets of a field (see the `Field` members of the same names).
struct Conversions {
    to_domain: String,
    from_domain: String,
    dto_sample: String,
}

fn conversions(
    kind: Kind,
    optional: bool,
    python: &str,
    entity_snake: &str,
    sample: &str,
) -> Conversions {
    let dto_attr = format!("dto.{python}");
    let entity_attr = format!("{entity_snake}.{python}");
    // Optional values go through helpers that pass `None` through, so lines stay short.
    let (to_domain, from_domain) = match (kind, optional) {
        (Kind::Email, false) => (format!("Email({dto_attr})"), format!("{entity_attr}.value")),
        (Kind::Email, true) => (
            format!("Email.parse_optional({dto_attr})"),
            format!("Email.value_of({entity_attr})"),
        ),
        (Kind::Money, false) => (
            format!("{dto_attr}.to_domain()"),
            format!("MoneyDTO.from_domain({entity_attr})"),
        ),
        (Kind::Money, true) => (
            format!("MoneyDTO.optional_to_domain({dto_attr})"),
            format!("MoneyDTO.from_optional({entity_attr})"),
        ),
        _ => (dto_attr.clone(), entity_attr.clone()),
    };
    let dto_sample = match kind {
        Kind::Email => sample
            .trim_start_matches("Email(")
            .trim_end_matches(')')
            .to_owned(),
        Kind::Money => "MoneyDTO(amount=Decimal(\"10.00\"), currency=\"EUR\")".to_owned(),
        _ => sample.to_owned(),
    };
    Conversions {
        to_domain,
        from_domain,
        dto_sample,
    }
}

/// Snippets of the SQLAlchemy, mapper and HTTP layers (see the `Field` members of the same names).
struct AdapterSnippets {
    sa_annotation: String,
    sa_type: String,
    migration_type: String,
    to_record: String,
    to_record_amount: String,
    to_record_currency: String,
    from_record: String,
    http_base_type: String,
    http_type: String,
    http_to_dto: String,
    http_from_dto: String,
}

/// Longest e-mail address (RFC 5321 path limit as commonly enforced).
const EMAIL_LENGTH: usize = 320;

fn adapter_snippets(
    kind: Kind,
    optional: bool,
    (name, python): (&str, &str),
    entity_snake: &str,
    enum_class: &str,
    values: &[EnumValue],
) -> AdapterSnippets {
    let none = if optional { " | None" } else { "" };
    let enum_length = values.iter().map(|v| v.value.len()).max().unwrap_or(1);
    let (sa_base, sa_type, migration_type) = match kind {
        Kind::Str => ("str", "sa.Text".to_owned(), "sa.Text()".to_owned()),
        Kind::Int => (
            "int",
            "sa.BigInteger".to_owned(),
            "sa.BigInteger()".to_owned(),
        ),
        Kind::Bool => ("bool", "sa.Boolean".to_owned(), "sa.Boolean()".to_owned()),
        Kind::Decimal | Kind::Money => (
            "Decimal",
            "ExactDecimal".to_owned(),
            "ExactDecimal()".to_owned(),
        ),
        Kind::Datetime => (
            "datetime",
            "UtcDateTime".to_owned(),
            "UtcDateTime()".to_owned(),
        ),
        Kind::Date => ("date", "sa.Date".to_owned(), "sa.Date()".to_owned()),
        Kind::Uuid => ("UUID", "sa.Uuid".to_owned(), "sa.Uuid()".to_owned()),
        Kind::Email => (
            "str",
            format!("sa.String({EMAIL_LENGTH})"),
            format!("sa.String(length={EMAIL_LENGTH})"),
        ),
        Kind::Enum => (
            "str",
            format!("sa.String({enum_length})"),
            format!("sa.String(length={enum_length})"),
        ),
    };
    let sa_annotation = if kind == Kind::Money {
        String::new()
    } else {
        format!("{sa_base}{none}")
    };
    let attr = format!("{entity_snake}.{python}");
    let column = format!("record.{python}");
    // Optional values go through the mapper's `_or_none(value, convert)` helper.
    let (to_record, to_record_amount, to_record_currency, from_record) = match kind {
        Kind::Email | Kind::Enum => {
            let from = if optional {
                format!(
                    "_or_none({column}, {})",
                    if kind == Kind::Email {
                        "Email"
                    } else {
                        enum_class
                    }
                )
            } else if kind == Kind::Email {
                format!("Email({column})")
            } else {
                format!("{enum_class}({column})")
            };
            let to = if optional {
                format!("_or_none({attr}, str)")
            } else {
                format!("{attr}.value")
            };
            (to, String::new(), String::new(), from)
        }
        Kind::Money => {
            // The money columns' attributes are `<name>_amount` / `<name>_currency`, never a keyword.
            let (amount, currency) = (
                format!("record.{name}_amount"),
                format!("record.{name}_currency"),
            );
            if optional {
                (
                    String::new(),
                    format!("_or_none({attr}, _amount)"),
                    format!("_or_none({attr}, _currency)"),
                    format!("_money_or_none({amount}, {currency})"),
                )
            } else {
                (
                    String::new(),
                    format!("{attr}.amount"),
                    format!("{attr}.currency"),
                    format!("Money({amount}, {currency})"),
                )
            }
        }
        _ => (attr.clone(), String::new(), String::new(), column.clone()),
    };
    // The bounded types of the generated `bounded_types.py`: what they accept, storage keeps exactly.
    let http_base_type = match kind {
        Kind::Money => "HttpMoneySchema".to_owned(),
        // The domain refuses blank required text: the schema says so, so no valid request gets a 422.
        Kind::Str if optional => "Text".to_owned(),
        Kind::Str => "NonBlankText".to_owned(),
        Kind::Email => "EmailText".to_owned(),
        Kind::Enum => enum_class.to_owned(),
        Kind::Int => "Int64".to_owned(),
        Kind::Bool => "Flag".to_owned(),
        Kind::Decimal => "StoredDecimal".to_owned(),
        Kind::Datetime => "StoredDatetime".to_owned(),
        Kind::Date => "StoredDate".to_owned(),
        Kind::Uuid => "UUID".to_owned(),
    };
    let http_type = format!("{http_base_type}{none}");
    let self_attr = format!("self.{python}");
    let dto_attr = format!("{entity_snake}.{python}");
    let (http_to_dto, http_from_dto) = match (kind, optional) {
        (Kind::Money, false) => (
            format!("{self_attr}.to_dto()"),
            format!("HttpMoneySchema.from_dto({dto_attr})"),
        ),
        (Kind::Money, true) => (
            format!("HttpMoneySchema.optional_to_dto({self_attr})"),
            format!("HttpMoneySchema.from_optional_dto({dto_attr})"),
        ),
        _ => (self_attr, dto_attr),
    };
    AdapterSnippets {
        sa_annotation,
        sa_type,
        migration_type,
        to_record,
        to_record_amount,
        to_record_currency,
        from_record,
        http_base_type,
        http_type,
        http_to_dto,
        http_from_dto,
    }
}

/// The JSON text of a sample as a Python expression (JSON literals `true`/`false`/`null`).
fn python_json(json: &str) -> String {
    match json {
        "true" => "True".to_owned(),
        "false" => "False".to_owned(),
        "null" => "None".to_owned(),
        other => other.to_owned(),
    }
}

/// The JSON text of `sample_alt`.
fn json_alt(kind: Kind, title: &str, values: &[EnumValue]) -> String {
    match kind {
        Kind::Str => format!("\"{title} 2\""),
        Kind::Int => "2".to_owned(),
        Kind::Bool => "false".to_owned(),
        Kind::Decimal => "\"2.25\"".to_owned(),
        Kind::Datetime => "\"2024-02-03T04:05:06Z\"".to_owned(),
        Kind::Date => "\"2024-02-03\"".to_owned(),
        Kind::Uuid => "\"00000000-0000-4000-8000-000000000002\"".to_owned(),
        Kind::Email => "\"grace@example.com\"".to_owned(),
        Kind::Money => "{\"amount\": \"12.50\", \"currency\": \"EUR\"}".to_owned(),
        Kind::Enum => format!("\"{}\"", values.get(1).unwrap_or(&values[0]).value),
    }
}

/// `(sample, sample_alt, json_sample)` for a field.
fn samples(
    kind: Kind,
    title: &str,
    enum_class: &str,
    values: &[EnumValue],
) -> (String, String, String) {
    let owned = |a: &str, b: &str, j: &str| (a.to_owned(), b.to_owned(), j.to_owned());
    match kind {
        Kind::Str => (
            format!("\"{title} 1\""),
            format!("\"{title} 2\""),
            format!("\"{title} 1\""),
        ),
        Kind::Int => owned("1", "2", "1"),
        Kind::Bool => owned("True", "False", "true"),
        Kind::Decimal => owned("Decimal(\"1.50\")", "Decimal(\"2.25\")", "\"1.50\""),
        Kind::Datetime => owned(
            "datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)",
            "datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)",
            "\"2024-01-02T03:04:05Z\"",
        ),
        Kind::Date => owned("date(2024, 1, 2)", "date(2024, 2, 3)", "\"2024-01-02\""),
        Kind::Uuid => owned(
            "UUID(\"00000000-0000-4000-8000-000000000001\")",
            "UUID(\"00000000-0000-4000-8000-000000000002\")",
            "\"00000000-0000-4000-8000-000000000001\"",
        ),
        Kind::Email => owned(
            "Email(\"ada@example.com\")",
            "Email(\"grace@example.com\")",
            "\"ada@example.com\"",
        ),
        Kind::Money => owned(
            "Money(Decimal(\"10.00\"), \"EUR\")",
            "Money(Decimal(\"12.50\"), \"EUR\")",
            "{\"amount\": \"10.00\", \"currency\": \"EUR\"}",
        ),
        Kind::Enum => {
            let first = &values[0];
            let second = values.get(1).unwrap_or(first);
            (
                format!("{enum_class}.{}", first.name),
                format!("{enum_class}.{}", second.name),
                format!("\"{}\"", first.value),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::fields::parse_spec;

    #[test]
    fn words_python_reserves_keep_their_name_and_get_an_attribute() {
        let fields = parse_spec(
            "from:int,type:str,list:str?,date:date,json:str,copy:str,validate:bool,order:str,metadata:str,status:str,type_:int",
        )
        .unwrap();
        let attrs: Vec<_> = fields
            .iter()
            .map(|spec| Field::new(spec, "Order"))
            .map(|field| (field.name, field.attr, field.aliased))
            .collect();
        let expected = [
            ("from", "from_", true),
            ("type", "type_", true),
            ("list", "list_", true),
            ("date", "date_", true),
            ("json", "json_", true),
            ("copy", "copy_", true),
            ("validate", "validate_", true),
            ("order", "order_", true),
            ("metadata", "metadata_", true),
            ("status", "status", false),
            ("type_", "type_", false),
        ];
        assert_eq!(
            attrs,
            expected.map(|(n, a, m)| (n.to_owned(), a.to_owned(), m))
        );
        let from = Field::new(&fields[0], "Order");
        assert_eq!(from.to_domain, "dto.from_");
        assert_eq!(from.to_record, "order.from_");
        assert_eq!(from.from_record, "record.from_");
        assert_eq!(from.http_to_dto, "self.from_");
    }

    #[test]
    fn snippets_for_an_optional_money_field() {
        let spec = &parse_spec("total:money?").unwrap()[0];
        let field = Field::new(spec, "Order");
        assert_eq!(field.py_type, "Money | None");
        assert_eq!(field.dto_type, "MoneyDTO | None");
        assert_eq!(field.sample, "Money(Decimal(\"10.00\"), \"EUR\")");
        assert!(field.is_money && field.optional && !field.required);
        assert_eq!(field.to_domain, "MoneyDTO.optional_to_domain(dto.total)");
        assert_eq!(field.from_domain, "MoneyDTO.from_optional(order.total)");
        assert_eq!(
            field.dto_sample,
            "MoneyDTO(amount=Decimal(\"10.00\"), currency=\"EUR\")"
        );
    }

    #[test]
    fn snippets_for_email_and_plain_fields() {
        let fields = parse_spec("customer_email:email,count:int").unwrap();
        let email = Field::new(&fields[0], "OrderLine");
        assert_eq!(email.to_domain, "Email(dto.customer_email)");
        assert_eq!(email.from_domain, "order_line.customer_email.value");
        assert_eq!(email.dto_sample, "\"ada@example.com\"");
        let backup = Field::new(&parse_spec("backup:email?").unwrap()[0], "OrderLine");
        assert_eq!(backup.to_domain, "Email.parse_optional(dto.backup)");
        assert_eq!(backup.from_domain, "Email.value_of(order_line.backup)");
        let count = Field::new(&fields[1], "OrderLine");
        assert_eq!(
            (count.to_domain.as_str(), count.from_domain.as_str()),
            ("dto.count", "order_line.count")
        );
    }

    #[test]
    fn adapter_snippets_for_money_enum_and_optional_email() {
        let fields =
            parse_spec("total:money?,status:enum(pending|cancelled),backup:email?,flag:bool")
                .unwrap();
        let money = Field::new(&fields[0], "Order");
        assert_eq!(money.sa_type, "ExactDecimal");
        assert_eq!(money.to_record_amount, "_or_none(order.total, _amount)");
        assert_eq!(
            money.from_record,
            "_money_or_none(record.total_amount, record.total_currency)"
        );
        assert_eq!(money.http_type, "HttpMoneySchema | None");
        assert_eq!(
            money.http_to_dto,
            "HttpMoneySchema.optional_to_dto(self.total)"
        );
        assert_eq!(
            money.http_from_dto,
            "HttpMoneySchema.from_optional_dto(order.total)"
        );
        let status = Field::new(&fields[1], "Order");
        assert_eq!(status.sa_type, "sa.String(9)");
        assert_eq!(status.migration_type, "sa.String(length=9)");
        assert_eq!(status.to_record, "order.status.value");
        assert_eq!(status.from_record, "OrderStatus(record.status)");
        let backup = Field::new(&fields[2], "Order");
        assert_eq!(backup.sa_annotation, "str | None");
        assert_eq!(backup.to_record, "_or_none(order.backup, str)");
        assert_eq!(backup.from_record, "_or_none(record.backup, Email)");
        let flag = Field::new(&fields[3], "Order");
        assert_eq!(
            (
                flag.json_py_sample.as_str(),
                flag.json_py_sample_alt.as_str()
            ),
            ("True", "False")
        );
    }

    #[test]
    fn enum_fields_get_a_class_named_after_the_entity() {
        let spec = &parse_spec("status:enum(pending|paid)").unwrap()[0];
        let field = Field::new(spec, "Order");
        assert_eq!(field.enum_class, "OrderStatus");
        assert_eq!(field.sample, "OrderStatus.PENDING");
        assert_eq!(field.sample_alt, "OrderStatus.PAID");
        assert_eq!(
            field.enum_values[1],
            EnumValue {
                name: "PAID".into(),
                value: "paid".into()
            }
        );
    }
}
