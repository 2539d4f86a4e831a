//! A field as templates see it ([`Field`]): a parsed [`FieldSpec`] given its names in every case,
//! one flag per kind and the ready-made Python snippets every layer's templates need.
//!
//! The snippets are derived here, once, so templates stay declarative: a template never decides
//! how a `money` field is annotated, sampled or serialised; it prints what the field says.

use serde::Serialize;

use super::field_kinds::{Slots, Snippet};
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
    /// What depends on the kind comes from its row ([`Kind::facts`]).
    pub fn new(spec: &FieldSpec, entity: &str) -> Self {
        let kind = spec.kind;
        let optional = spec.optional;
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
        let facts = kind.facts();
        let slots = Slots {
            name: &spec.name,
            class: &enum_class,
            title: &title,
            values: &enum_values,
        };
        let fixed = |pattern: &str| slots.fill(pattern, None);
        // The values snippets read: the DTO (use cases name their input `dto`), the aggregate (or,
        // in HTTP responses, its DTO), a table row and the HTTP request schema.
        let dto = Some(("dto", attr.as_str()));
        let aggregate = Some((entity_snake.as_str(), attr.as_str()));
        let record = Some(("record", attr.as_str()));
        let request = Some(("self", attr.as_str()));
        let snippet = |snippet: Snippet, value| slots.fill(snippet.pick(optional), value);
        let with_none = |ty: &str| {
            if optional {
                format!("{ty} | None")
            } else {
                ty.to_owned()
            }
        };
        let py_base_type = fixed(facts.py_type);
        let dto_base_type = fixed(facts.dto_type);
        let http_base_type = fixed(facts.http_type.pick(optional));
        let sample = fixed(facts.sample[0]);
        let json_sample = fixed(facts.json_sample[0]);
        let json_sample_alt = fixed(facts.json_sample[1]);
        Self {
            name: spec.name.clone(),
            aliased: attr != spec.name,
            check_name: String::new(),
            camel: names::camel(&spec.name),
            kebab: names::kebab(&spec.name),
            upper: names::upper(&spec.name),
            kind,
            optional,
            required: !optional,
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
            sample_alt: fixed(facts.sample[1]),
            dto_sample: facts.dto_sample.map_or_else(|| sample.clone(), fixed),
            sample,
            json_py_sample: python_json(&json_sample),
            json_py_sample_alt: python_json(&json_sample_alt),
            json_sample,
            to_domain: snippet(facts.to_domain, dto),
            from_domain: snippet(facts.from_domain, aggregate),
            sa_annotation: match facts.sa_annotation {
                "" => String::new(),
                annotation => with_none(annotation),
            },
            sa_type: fixed(facts.sa_type),
            migration_type: fixed(facts.migration_type),
            to_record: snippet(facts.to_record, aggregate),
            to_record_amount: snippet(facts.to_record_amount, aggregate),
            to_record_currency: snippet(facts.to_record_currency, aggregate),
            from_record: snippet(facts.from_record, record),
            http_type: with_none(&http_base_type),
            http_base_type,
            http_to_dto: snippet(facts.http_to_dto, request),
            http_from_dto: snippet(facts.http_from_dto, aggregate),
            enum_class,
            enum_values,
            title,
            pascal,
            attr,
        }
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
