//! English singular and plural of one lowercase word, as the `pluralizer` crate (a port of pluralize.js) gives them,
//! without its start-up cost.
//!
//! `pluralizer` compiles about 70 Unicode regular expressions on its first call (~200 million instructions, about
//! a third of a whole `generate` run). Our words are always lowercase ASCII (`^[a-z][a-z0-9]*$`, the last word of
//! a validated snake_case name), so the same rule tables are matched here by a tiny backtracking matcher that
//! understands exactly the syntax the tables use: literals, `[…]`/`[^…]` classes, `\w`, `\b`, groups (capturing
//! and `(?:…)`), `|`, `?`, `^`, `$`. Semantics follow the `regex` crate's leftmost-first matching, and a unit test
//! compares every result with `pluralizer` itself on thousands of words built from the tables.
//!
//! The tables are copied from pluralizer 0.6.0 (`src/constants.rs`, MIT), which ported them from pluralize.js
//! (MIT). Mixed-case words are lowercased first; the generator never passes one.

/// Irregular words: (singular, plural).
const IRREGULAR_RULES: &[(&str, &str)] = &[
    ("i", "we"),
    ("me", "us"),
    ("he", "they"),
    ("she", "they"),
    ("them", "them"),
    ("myself", "ourselves"),
    ("yourself", "yourselves"),
    ("itself", "themselves"),
    ("herself", "themselves"),
    ("himself", "themselves"),
    ("themself", "themselves"),
    ("is", "are"),
    ("was", "were"),
    ("has", "have"),
    ("this", "these"),
    ("that", "those"),
    ("my", "our"),
    ("its", "their"),
    ("his", "their"),
    ("her", "their"),
    ("echo", "echoes"),
    ("dingo", "dingoes"),
    ("volcano", "volcanoes"),
    ("tornado", "tornadoes"),
    ("torpedo", "torpedoes"),
    ("genus", "genera"),
    ("viscus", "viscera"),
    ("stigma", "stigmata"),
    ("stoma", "stomata"),
    ("dogma", "dogmata"),
    ("lemma", "lemmata"),
    ("schema", "schemata"),
    ("anathema", "anathemata"),
    ("ox", "oxen"),
    ("axe", "axes"),
    ("die", "dice"),
    ("yes", "yeses"),
    ("foot", "feet"),
    ("eave", "eaves"),
    ("goose", "geese"),
    ("tooth", "teeth"),
    ("quiz", "quizzes"),
    ("human", "humans"),
    ("proof", "proofs"),
    ("carve", "carves"),
    ("valve", "valves"),
    ("looey", "looies"),
    ("thief", "thieves"),
    ("groove", "grooves"),
    ("pickaxe", "pickaxes"),
    ("passerby", "passersby"),
    ("canvas", "canvases"),
];

/// Pluralization rules: the last one that matches wins. (pluralizer's `(?i)` prefixes are dropped: words are
/// lowercase; its `[^\u0000-\u007F]$` rule, which keeps non-ASCII words, is the `is_ascii` check in `inflect`.)
const PLURAL_RULES: &[(&str, &str)] = &[
    ("s?$", "s"),
    ("([^aeiou]ese)$", "$1"),
    ("(ax|test)is$", "$1es"),
    ("(alias|[^aou]us|t[lm]as|gas|ris)$", "$1es"),
    ("(e[mn]u)s?$", "$1s"),
    ("([^l]ias|[aeiou]las|[ejzr]as|[iu]am)$", "$1"),
    (
        "(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$",
        "$1i",
    ),
    ("(alumn|alg|vertebr)(?:a|ae)$", "$1ae"),
    ("(seraph|cherub)(?:im)?$", "$1im"),
    ("(her|at|gr)o$", "$1oes"),
    (
        "(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor)(?:a|um)$",
        "$1a",
    ),
    (
        "(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)(?:a|on)$",
        "$1a",
    ),
    ("sis$", "ses"),
    ("(?:(kni|wi|li)fe|(ar|l|ea|eo|oa|hoo)f)$", "$1$2ves"),
    ("([^aeiouy]|qu)y$", "$1ies"),
    ("([^ch][ieo][ln])ey$", "$1ies"),
    ("(x|ch|ss|sh|zz)$", "$1es"),
    ("(matr|cod|mur|sil|vert|ind|append)(?:ix|ex)$", "$1ices"),
    (r"\b((?:tit)?m|l)(?:ice|ouse)$", "$1ice"),
    ("(pe)(?:rson|ople)$", "$1ople"),
    ("(child)(?:ren)?$", "$1ren"),
    ("eaux$", "$0"),
    ("m[ae]n$", "men"),
    ("^thou$", "you"),
];

/// Singularization rules: the last one that matches wins.
const SINGULAR_RULES: &[(&str, &str)] = &[
    ("s$", ""),
    ("(ss)$", "$1"),
    (
        r"(wi|kni|(?:after|half|high|low|mid|non|night|[^\w]|^)li)ves$",
        "$1fe",
    ),
    ("(ar|(?:wo|[ae])l|[eo][ao])ves$", "$1f"),
    ("ies$", "y"),
    (
        "(dg|ss|ois|lk|ok|wn|mb|th|ch|ec|oal|is|ck|ix|sser|ts|wb)ies$",
        "$1ie",
    ),
    (
        r"\b(l|(?:neck|cross|hog|aun)?t|coll|faer|food|gen|goon|group|hipp|junk|vegg|(?:pork)?p|charl|calor|cut)ies$",
        "$1ie",
    ),
    (r"\b(mon|smil)ies$", "$1ey"),
    (r"\b((?:tit)?m|l)ice$", "$1ouse"),
    ("(seraph|cherub)im$", "$1"),
    (
        "(x|ch|ss|sh|zz|tto|go|cho|alias|[^aou]us|t[lm]as|gas|(?:her|at|gr)o|[aeiou]ris)(?:es)?$",
        "$1",
    ),
    (
        "(analy|diagno|parenthe|progno|synop|the|empha|cri|ne)(?:sis|ses)$",
        "$1sis",
    ),
    ("(movie|twelve|abuse|e[mn]u)s$", "$1"),
    ("(test)(?:is|es)$", "$1is"),
    (
        "(alumn|syllab|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat)(?:us|i)$",
        "$1us",
    ),
    (
        "(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|quor)a$",
        "$1um",
    ),
    (
        "(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat)a$",
        "$1on",
    ),
    ("(alumn|alg|vertebr)ae$", "$1a"),
    ("(cod|mur|sil|vert|ind)ices$", "$1ex"),
    ("(matr|append)ices$", "$1ix"),
    ("(pe)(rson|ople)$", "$1rson"),
    ("(child)ren$", "$1"),
    ("(eau)x?$", "$1"),
    ("men$", "man"),
];

/// Words with no plural.
const UNCOUNTABLE: &[&str] = &[
    "adulthood",
    "advice",
    "agenda",
    "aid",
    "aircraft",
    "alcohol",
    "ammo",
    "analytics",
    "anime",
    "athletics",
    "audio",
    "bison",
    "blood",
    "bream",
    "buffalo",
    "butter",
    "carp",
    "cash",
    "chassis",
    "chess",
    "clothing",
    "cod",
    "commerce",
    "cooperation",
    "corps",
    "debris",
    "diabetes",
    "digestion",
    "elk",
    "energy",
    "equipment",
    "excretion",
    "expertise",
    "firmware",
    "flounder",
    "fun",
    "gallows",
    "garbage",
    "graffiti",
    "hardware",
    "headquarters",
    "health",
    "herpes",
    "highjinks",
    "homework",
    "housework",
    "information",
    "jeans",
    "justice",
    "kudos",
    "labour",
    "literature",
    "machinery",
    "mackerel",
    "mail",
    "media",
    "mews",
    "moose",
    "music",
    "mud",
    "manga",
    "news",
    "only",
    "personnel",
    "pike",
    "plankton",
    "pliers",
    "police",
    "pollution",
    "premises",
    "rain",
    "research",
    "rice",
    "salmon",
    "scissors",
    "series",
    "sewage",
    "shambles",
    "shrimp",
    "software",
    "staff",
    "swine",
    "tennis",
    "traffic",
    "transportation",
    "trout",
    "tuna",
    "wealth",
    "welfare",
    "whiting",
    "wildebeest",
    "wildlife",
    "you",
];

/// Uncountable patterns: matched after (so before, in precedence) every rule; the word is kept.
const UNCOUNTABLE_PATTERNS: &[&str] = &[
    "pok[eé]mon$",
    "[^aeiou]ese$",
    "deer$",
    "fish$",
    "measles$",
    "o[iu]s$",
    "pox$",
    "sheep$",
];

/// The singular of one word (`orders` → `order`, `categories` → `category`).
pub fn singular(word: &str) -> String {
    inflect(word, Form::Singular)
}

/// The plural of one word (`order` → `orders`, `category` → `categories`).
pub fn plural(word: &str) -> String {
    inflect(word, Form::Plural)
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Form {
    Singular,
    Plural,
}

/// Picks one side of an irregular pair.
type Side = fn(&(&'static str, &'static str)) -> &'static str;

/// [`inflect_uncached`], remembered per word for the rest of the process: a run asks for the
/// same few words again and again (the entity's plural for every template variable that needs it,
/// each validation's default entity), and one answer costs a few hundred thousand instructions
/// of pattern matching (docs/benchmarks.md).
fn inflect(word: &str, form: Form) -> String {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static KNOWN: RefCell<HashMap<(Form, String), String>> = RefCell::new(HashMap::new());
    }
    let key = (form, word.to_owned());
    if let Some(known) = KNOWN.with_borrow(|known| known.get(&key).cloned()) {
        return known;
    }
    let inflected = inflect_uncached(word, form);
    KNOWN.with_borrow_mut(|known| known.insert(key, inflected.clone()));
    inflected
}

fn inflect_uncached(word: &str, form: Form) -> String {
    let word = word.to_lowercase();
    let (keep, replace, rules): (Side, Side, &[(&str, &str)]) = match form {
        Form::Singular => (|r| r.0, |r| r.1, SINGULAR_RULES),
        Form::Plural => (|r| r.1, |r| r.0, PLURAL_RULES),
    };
    // Already in the requested form?
    if IRREGULAR_RULES.iter().any(|pair| keep(pair) == word) {
        return word;
    }
    // pluralizer keeps the last pair of a word that appears twice (`they` → `she`).
    if let Some(pair) = IRREGULAR_RULES
        .iter()
        .rev()
        .find(|pair| replace(pair) == word)
    {
        return keep(pair).to_owned();
    }
    if word.is_empty() || UNCOUNTABLE.contains(&word.as_str()) {
        return word;
    }
    let chars: Vec<char> = word.chars().collect();
    if form == Form::Plural && chars.last().is_some_and(|c| !c.is_ascii()) {
        return word; // pluralizer's `[^\u0000-\u007F]$` → `$0`
    }
    let parsed = parsed();
    if parsed
        .uncountable
        .iter()
        .any(|pattern| pattern.find(&chars).is_some())
    {
        return word;
    }
    let patterns = match form {
        Form::Singular => &parsed.singular,
        Form::Plural => &parsed.plural,
    };
    for (pattern, (_, placement)) in patterns.iter().zip(rules).rev() {
        if let Some(captures) = pattern.find(&chars) {
            let (start, end) = captures[0].expect("group 0 is the whole match");
            let mut out: String = chars[..start].iter().collect();
            interpolate(placement, &captures, &chars, &mut out);
            out.extend(&chars[end..]);
            return out;
        }
    }
    word
}

struct Parsed {
    singular: Vec<Pattern>,
    plural: Vec<Pattern>,
    uncountable: Vec<Pattern>,
}

/// The tables, parsed once (a few microseconds).
fn parsed() -> &'static Parsed {
    static PARSED: std::sync::OnceLock<Parsed> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| Parsed {
        singular: SINGULAR_RULES
            .iter()
            .map(|(p, _)| Pattern::parse(p))
            .collect(),
        plural: PLURAL_RULES
            .iter()
            .map(|(p, _)| Pattern::parse(p))
            .collect(),
        uncountable: UNCOUNTABLE_PATTERNS
            .iter()
            .map(|p| Pattern::parse(p))
            .collect(),
    })
}

/// `$N` → capture N (empty when it took no part in the match); a second digit joins only when that group exists.
fn interpolate(
    placement: &str,
    captures: &[Option<(usize, usize)>],
    chars: &[char],
    out: &mut String,
) {
    let bytes = placement.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let first = usize::from(bytes[i + 1] - b'0');
            let (group, next) = match bytes.get(i + 2) {
                Some(d)
                    if first != 0
                        && d.is_ascii_digit()
                        && first * 10 + usize::from(d - b'0') < captures.len() =>
                {
                    (first * 10 + usize::from(d - b'0'), i + 3)
                }
                _ => (first, i + 2),
            };
            if let Some(Some((s, e))) = captures.get(group) {
                out.extend(&chars[*s..*e]);
            }
            i = next;
        } else {
            let c = placement[i..].chars().next().expect("in bounds");
            out.push(c);
            i += c.len_utf8();
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The matcher: a backtracking interpreter over a parsed pattern, leftmost-first like the `regex` crate.

#[derive(Debug)]
enum Node {
    Char(char),
    Class {
        negated: bool,
        items: Vec<ClassItem>,
    },
    /// `capture` is the group number for `( … )`, `None` for `(?: … )`.
    Group {
        capture: Option<usize>,
        alternatives: Vec<Vec<Node>>,
    },
    Optional(Box<Node>),
    Start,
    End,
    WordBoundary,
}

#[derive(Debug)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Word,
}

#[derive(Debug)]
struct Pattern {
    alternatives: Vec<Vec<Node>>,
    groups: usize,
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

impl Pattern {
    /// Parses the subset of regex syntax the tables use; panics on anything else (the tables are constants).
    fn parse(pattern: &str) -> Self {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let mut groups = 0;
        let alternatives = parse_alternatives(&chars, &mut pos, &mut groups);
        assert!(pos == chars.len(), "unbalanced `)` in {pattern}");
        Self {
            alternatives,
            groups,
        }
    }

    /// The leftmost match: group spans (group 0 is the whole match), or `None`.
    fn find(&self, text: &[char]) -> Option<Vec<Option<(usize, usize)>>> {
        for start in 0..=text.len() {
            let mut captures = vec![None; self.groups + 1];
            let mut end = None;
            if match_alternatives(
                &self.alternatives,
                text,
                start,
                &mut captures,
                &mut |pos, _| {
                    end = Some(pos);
                    true
                },
            ) {
                captures[0] = Some((start, end.expect("set on success")));
                return Some(captures);
            }
        }
        None
    }
}

fn parse_alternatives(chars: &[char], pos: &mut usize, groups: &mut usize) -> Vec<Vec<Node>> {
    let mut alternatives = vec![Vec::new()];
    while *pos < chars.len() {
        let c = chars[*pos];
        *pos += 1;
        let node = match c {
            '|' => {
                alternatives.push(Vec::new());
                continue;
            }
            ')' => {
                *pos -= 1;
                break;
            }
            '(' => {
                let capture = if chars.get(*pos..*pos + 2) == Some(&['?', ':']) {
                    *pos += 2;
                    None
                } else {
                    *groups += 1;
                    Some(*groups)
                };
                let inner = parse_alternatives(chars, pos, groups);
                assert!(chars.get(*pos) == Some(&')'), "unclosed group");
                *pos += 1;
                Node::Group {
                    capture,
                    alternatives: inner,
                }
            }
            '[' => {
                let negated = chars.get(*pos) == Some(&'^');
                if negated {
                    *pos += 1;
                }
                let mut items = Vec::new();
                while chars[*pos] != ']' {
                    let item = if chars[*pos] == '\\' {
                        assert!(chars[*pos + 1] == 'w', "unsupported class escape");
                        *pos += 2;
                        ClassItem::Word
                    } else if chars.get(*pos + 1) == Some(&'-') && chars[*pos + 2] != ']' {
                        *pos += 3;
                        ClassItem::Range(chars[*pos - 3], chars[*pos - 1])
                    } else {
                        *pos += 1;
                        ClassItem::Char(chars[*pos - 1])
                    };
                    items.push(item);
                }
                *pos += 1;
                Node::Class { negated, items }
            }
            '^' => Node::Start,
            '$' => Node::End,
            '\\' => {
                *pos += 1;
                match chars[*pos - 1] {
                    'b' => Node::WordBoundary,
                    'w' => Node::Class {
                        negated: false,
                        items: vec![ClassItem::Word],
                    },
                    other => panic!("unsupported escape \\{other}"),
                }
            }
            '?' => {
                let last = alternatives
                    .last_mut()
                    .and_then(Vec::pop)
                    .expect("`?` follows something");
                Node::Optional(Box::new(last))
            }
            c => Node::Char(c),
        };
        alternatives.last_mut().expect("never empty").push(node);
    }
    alternatives
}

type Captures = Vec<Option<(usize, usize)>>;
type Continuation<'a> = dyn FnMut(usize, &mut Captures) -> bool + 'a;

fn match_alternatives(
    alternatives: &[Vec<Node>],
    text: &[char],
    pos: usize,
    captures: &mut Captures,
    k: &mut Continuation<'_>,
) -> bool {
    alternatives.iter().any(|sequence| {
        let saved = captures.clone();
        if match_sequence(sequence, text, pos, captures, k) {
            true
        } else {
            *captures = saved;
            false
        }
    })
}

fn match_sequence(
    nodes: &[Node],
    text: &[char],
    pos: usize,
    captures: &mut Captures,
    k: &mut Continuation<'_>,
) -> bool {
    let Some((node, rest)) = nodes.split_first() else {
        return k(pos, captures);
    };
    let mut next = |p: usize, c: &mut Captures| match_sequence(rest, text, p, c, k);
    match_node(node, text, pos, captures, &mut next)
}

fn match_node(
    node: &Node,
    text: &[char],
    pos: usize,
    captures: &mut Captures,
    k: &mut Continuation<'_>,
) -> bool {
    match node {
        Node::Char(c) => text.get(pos) == Some(c) && k(pos + 1, captures),
        Node::Class { negated, items } => {
            text.get(pos).is_some_and(|&c| {
                let hit = items.iter().any(|item| match *item {
                    ClassItem::Char(x) => c == x,
                    ClassItem::Range(a, b) => (a..=b).contains(&c),
                    ClassItem::Word => is_word(c),
                });
                hit != *negated
            }) && k(pos + 1, captures)
        }
        Node::Group {
            capture,
            alternatives,
        } => match_alternatives(alternatives, text, pos, captures, &mut |end, c| {
            let previous = capture.map(|g| c[g]);
            if let Some(g) = *capture {
                c[g] = Some((pos, end));
            }
            if k(end, c) {
                return true;
            }
            if let (Some(g), Some(previous)) = (*capture, previous) {
                c[g] = previous;
            }
            false
        }),
        // Greedy: one, then none.
        Node::Optional(inner) => {
            let saved = captures.clone();
            if match_node(inner, text, pos, captures, k) {
                return true;
            }
            *captures = saved;
            k(pos, captures)
        }
        Node::Start => pos == 0 && k(pos, captures),
        Node::End => pos == text.len() && k(pos, captures),
        Node::WordBoundary => {
            let before = pos > 0 && is_word(text[pos - 1]);
            let after = text.get(pos).is_some_and(|&c| is_word(c));
            before != after && k(pos, captures)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_words() {
        for (one, many) in [
            ("order", "orders"),
            ("category", "categories"),
            ("address", "addresses"),
            ("person", "people"),
            ("child", "children"),
            ("box", "boxes"),
            ("wolf", "wolves"),
            ("knife", "knives"),
            ("status", "statuses"),
            ("analysis", "analyses"),
            ("mouse", "mice"),
            ("index", "indices"),
            ("quiz", "quizzes"),
            ("bus", "buses"),
            ("invoice", "invoices"),
            ("policy", "policies"),
            ("day", "days"),
            ("shipment", "shipments"),
        ] {
            assert_eq!(plural(one), many, "plural of {one}");
            assert_eq!(singular(many), one, "singular of {many}");
        }
        for same in ["sheep", "news", "fish", "software", "chinese", "series"] {
            assert_eq!(plural(same), same);
            assert_eq!(singular(same), same);
        }
    }

    /// Words built from every literal of the tables, with many stems and endings: each must inflect exactly as
    /// `pluralizer` does (the crate this module replaces at run time).
    #[test]
    fn same_as_pluralizer() {
        let mut fragments: Vec<String> = Vec::new();
        let tables = PLURAL_RULES
            .iter()
            .chain(SINGULAR_RULES)
            .map(|(p, _)| *p)
            .chain(UNCOUNTABLE_PATTERNS.iter().copied());
        for pattern in tables {
            for piece in pattern.split(|c: char| !c.is_ascii_lowercase()) {
                if !piece.is_empty() {
                    fragments.push(piece.to_owned());
                }
            }
        }
        for (one, many) in IRREGULAR_RULES {
            fragments.push((*one).to_owned());
            fragments.push((*many).to_owned());
        }
        fragments.extend(UNCOUNTABLE.iter().map(|w| (*w).to_owned()));
        fragments.extend(
            [
                "order",
                "line",
                "item",
                "user",
                "shipment",
                "invoice",
                "payment",
                "policy",
                "day",
                "key",
                "boy",
                "toy",
                "city",
                "entry",
                "address",
                "status",
                "box",
                "wolf",
                "leaf",
                "life",
                "half",
                "roof",
                "hero",
                "photo",
                "piano",
                "potato",
                "analysis",
                "crisis",
                "basis",
                "axis",
                "matrix",
                "vertex",
                "index",
                "mouse",
                "louse",
                "person",
                "child",
                "man",
                "woman",
                "tooth",
                "bureau",
                "cactus",
                "focus",
                "datum",
                "criterion",
                "phenomenon",
                "alumna",
                "money",
                "honey",
                "valley",
                "movie",
                "emu",
                "menu",
                "canvas",
                "gas",
                "atlas",
                "bias",
                "iris",
                "kiss",
                "church",
                "dish",
                "buzz",
                "quiz",
                "zombie",
                "cookie",
                "pie",
                "tie",
                "monkey",
                "journey",
                "ox",
                "axe",
                "datum",
            ]
            .map(str::to_owned),
        );
        // the last word of a snake_case name may hold or be digits (`order_2`, `v2`)
        fragments.extend(["2", "10", "v2", "x2", "box2", "s3", "items2", "2s"].map(str::to_owned));
        fragments.sort();
        fragments.dedup();
        let stems = ["", "b", "wo"];
        let endings = [
            "", "s", "es", "a", "i", "y", "ies", "ves", "fe", "x", "ex", "um", "on", "us", "is",
            "ice", "o", "en", "im", "ae", "eaux",
        ];
        let mut checked = 0;
        for fragment in &fragments {
            for stem in stems {
                for ending in endings {
                    let word = format!("{stem}{fragment}{ending}");
                    assert_eq!(
                        singular(&word),
                        pluralizer::pluralize(&word, 1, false),
                        "singular of {word}"
                    );
                    assert_eq!(
                        plural(&word),
                        pluralizer::pluralize(&word, 2, false),
                        "plural of {word}"
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked > 20_000, "{checked}");
    }

    #[test]
    fn matcher_is_leftmost_first() {
        let text: Vec<char> = "wolves".chars().collect();
        let m = Pattern::parse("(ar|(?:wo|[ae])l|[eo][ao])ves$")
            .find(&text)
            .unwrap();
        assert_eq!(m[0], Some((0, 6)));
        assert_eq!(m[1], Some((0, 3)));
        let text: Vec<char> = "ab".chars().collect();
        assert_eq!(Pattern::parse("(x)?b$").find(&text).unwrap()[1], None);
    }
}
