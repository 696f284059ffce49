//! Parameter rules written from a function signature: which values a key
//! may pass to one function of one contract, and running totals.
//!
//! ```text
//! transfer(address to,uint256 amount)
//!   to in [0xB0b…, 0xCa401…]      one of a list
//!   amount <= 100e6               ==, !=, <, <=, >, >= (unsigned)
//!   sum(amount) <= 1000e6         the total over the key's life
//!   sum(amount) <= 50e6 per week  the total in each week (or `per day`,
//!                                 `per hour`, `per 3600` seconds)
//! ```
//!
//! A periodic total's periods start when the key is installed; a validation
//! hook charges the period the operation hints, and the EntryPoint confines
//! the operation to it.
//!
//! An argument is named as in the signature, or by its position (`0`,
//! `1`, …), and a word inside it by an ABI path:
//!
//! ```text
//! safeBatchTransferFrom(address from,address to,uint256[] ids,uint256[] amounts,bytes data)
//!   ids[*] in [1, 2]              every element (an empty array passes)
//!   sum(amounts[*]) <= 100        a total of every element
//! exactInput((bytes path,address recipient,uint256 amountIn) params)
//!   params.recipient == 0x…       a field of a (dynamic) tuple
//! execute(address to,bytes data)
//!   data@transfer(address to,uint256 amount).amount <= 5
//!                                 an argument of the call inside a `bytes`
//!                                 (`data@(uint256 a,…)`: an encoding
//!                                 without a selector)
//! ```
//!
//! `items[0]` is one element (a call with fewer is refused), `pair.1` a
//! field by position. A path may take every element of one array. The word
//! a condition reads must be an address, a `bool`, a `uintN` or a `bytesN`
//! (`==`, `!=` and lists only); signed integers, and `bytes` or `string`
//! compared whole, are refused. Values are what alloy parses for the
//! argument's type, plus `100e6`-style integers. The module is
//! `contracts/param-rules` (rule: `permission_core::params`, paths:
//! `permission_core::path`); session-rules follows no path, so a key with
//! a path rule gets the param-rules hook of its own.

use alloy_dyn_abi::DynSolType;
use alloy_json_abi::{Function, Param};
use alloy_primitives::{Address, B256, U256};
use permission_core::params::{
    condition_fault, path_fault, total_fault, Condition, RuleFault, Total, LIMIT_BITS,
    MAX_CONDITIONS, MAX_TOTALS, OP_EQ, OP_GE, OP_GT, OP_LE, OP_LT, OP_NE, OP_ONE_OF,
};
use permission_core::path::{Path, Step, MAX_STEPS};

use super::{PermissionError, Selector};

/// The rules of one function of one contract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamRule {
    /// The contract.
    pub target: Address,
    /// The function (with its signature, for messages).
    pub function: Selector,
    /// Every condition; a list is one [`ArgCondition`] per value.
    pub conditions: Vec<ArgCondition>,
    /// The running totals.
    pub totals: Vec<ArgTotal>,
}

/// One condition on one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgCondition {
    /// The argument's head-word index.
    pub arg: u16,
    /// Its width in bits.
    pub bits: u16,
    /// A `permission_core::params::OP_*` operator.
    pub op: u8,
    /// The value, as an ABI word.
    pub value: B256,
    /// Where the word lies from head word `arg`.
    pub path: Path,
}

/// A running total of one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgTotal {
    /// The argument's head-word index.
    pub arg: u16,
    /// Its width in bits.
    pub bits: u16,
    /// The most it may sum to over the key's life, or per period.
    pub limit: U256,
    /// The period in seconds; 0: over the key's life.
    pub period: u32,
    /// Where the summed word lies from head word `arg`.
    pub path: Path,
}

/// Each operator as a rule writes it, two-character ones first (so that
/// `<=` is not read as `<`).
const OPERATORS: [(&str, u8); 7] = [
    ("==", OP_EQ),
    ("!=", OP_NE),
    ("<=", OP_LE),
    (">=", OP_GE),
    ("<", OP_LT),
    (">", OP_GT),
    ("in", OP_ONE_OF),
];

/// How a rule writes operator `op` (`?` for one the module does not
/// know).
pub fn op_text(op: u8) -> &'static str {
    OPERATORS
        .iter()
        .find(|(_, o)| *o == op)
        .map_or("?", |(text, _)| text)
}

fn bad(why: String) -> PermissionError {
    PermissionError::BadParamRule(why)
}

/// A word a condition can name: its head word, path and width.
struct Argument {
    name: String,
    ty: DynSolType,
    word: u16,
    path: Path,
    bits: u16,
    ordered: bool,
}

/// A type with its tuple fields' names, as a signature gives them.
struct Node {
    ty: DynSolType,
    /// A tuple's fields, or an array's element (one).
    children: Vec<(String, Node)>,
}

impl Node {
    fn of(param: &Param, names: Option<&Names>) -> Result<Self, String> {
        let ty = DynSolType::parse(&param.selector_type()).map_err(|e| e.to_string())?;
        Ok(Self::build(ty, names.map_or(&[][..], |n| &n.fields[..])))
    }

    /// `ty`, with `fields` naming its (or its elements') tuple fields.
    fn build(ty: DynSolType, fields: &[Names]) -> Self {
        let children = match &ty {
            DynSolType::Tuple(types) => types
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    let names = fields.get(i);
                    let name = names.map_or(String::new(), |n| n.name.clone());
                    let inner = names.map_or(&[][..], |n| &n.fields[..]);
                    (name, Self::build(field.clone(), inner))
                })
                .collect(),
            DynSolType::Array(inner) | DynSolType::FixedArray(inner, _) => {
                vec![(String::new(), Self::build((**inner).clone(), fields))]
            }
            _ => Vec::new(),
        };
        Self { ty, children }
    }
}

/// A parameter's name and its tuple fields' names, which alloy's signature
/// parser does not take inside a tuple.
#[derive(Clone, Debug, Default)]
struct Names {
    name: String,
    fields: Vec<Names>,
}

/// `signature` without the names inside its tuples (alloy parses the
/// rest), and each parameter's [`Names`].
fn strip_field_names(signature: &str) -> Result<(String, Vec<Names>), String> {
    let open = signature
        .find('(')
        .ok_or_else(|| format!("`{signature}` has no parameter list"))?;
    let mut out = signature[..open].to_string();
    let mut chars = signature[open..].chars().peekable();
    let names = parameter_list(&mut chars, &mut out, true)?;
    out.extend(chars);
    Ok((out, names))
}

/// One parenthesized parameter list, copied to `out` (with its names only
/// at the `top` level).
fn parameter_list(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut String,
    top: bool,
) -> Result<Vec<Names>, String> {
    let word = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        let mut w = String::new();
        while let Some(c) = chars.next_if(|c| c.is_alphanumeric() || *c == '_' || *c == '$') {
            w.push(c);
        }
        w
    };
    let skip_space = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>| {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
    };
    chars.next();
    out.push('(');
    let mut params = Vec::new();
    loop {
        skip_space(chars);
        match chars.peek() {
            Some(')') if params.is_empty() => {
                chars.next();
                break;
            }
            Some('(') => {
                let fields = parameter_list(chars, out, false)?;
                params.push(Names {
                    name: String::new(),
                    fields,
                });
            }
            Some(_) => {
                let ty = word(chars);
                if ty.is_empty() {
                    return Err("expected a type".to_string());
                }
                out.push_str(&ty);
                params.push(Names::default());
            }
            None => return Err("unbalanced parentheses".to_string()),
        }
        while chars.peek() == Some(&'[') {
            for c in chars.by_ref() {
                out.push(c);
                if c == ']' {
                    break;
                }
            }
        }
        skip_space(chars);
        let mut words = Vec::new();
        while chars
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || *c == '_')
        {
            words.push(word(chars));
            skip_space(chars);
        }
        if top && !words.is_empty() {
            out.push(' ');
            out.push_str(&words.join(" "));
        }
        if let (Some(last), Some(name)) = (params.last_mut(), words.last()) {
            last.name = name.clone();
        }
        match chars.next() {
            Some(',') => out.push(','),
            Some(')') => break,
            _ => return Err("expected `,` or `)`".to_string()),
        }
    }
    out.push(')');
    Ok(params)
}

/// Parses `signature`, tuple field names included.
fn parse_signature(signature: &str) -> Result<(Function, Vec<Names>), String> {
    let (stripped, names) = strip_field_names(signature.trim())?;
    let function = Function::parse(&stripped).map_err(|e| e.to_string())?;
    Ok((function, names))
}

/// Where a path being resolved stands: the head word (while no offset has
/// been followed), the steps, and words still to move.
struct Resolver {
    word: usize,
    steps: Vec<Step>,
    pending: usize,
}

impl Resolver {
    fn flush(&mut self) -> Result<(), String> {
        if self.steps.is_empty() {
            self.word += self.pending;
        } else if self.pending > 0 {
            let k =
                u16::try_from(self.pending).map_err(|_| "the path moves too far".to_string())?;
            self.steps.push(Step::Field(k));
        }
        self.pending = 0;
        Ok(())
    }

    /// Follows the offset at the current word, then takes `step`.
    fn enter(&mut self, step: Option<Step>) -> Result<(), String> {
        self.flush()?;
        self.steps.push(Step::Deref);
        self.steps.extend(step);
        Ok(())
    }
}

/// The name, the rest and the length of an `@sig(...)` annotation at the
/// start of `text` (after the `@`).
fn annotation(text: &str) -> Result<(&str, usize), String> {
    let open = text.find('(').ok_or_else(|| {
        format!(
            "`@{text}`: write `@transfer(address to,uint256 amount)` or `@(uint256 a,address b)`"
        )
    })?;
    let mut depth = 0usize;
    for (i, c) in text.char_indices().skip(open) {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&text[..=i], i + 1));
                }
            }
            _ => {}
        }
    }
    Err(format!("`@{text}`: unbalanced parentheses"))
}

/// The length of the argument path at the start of `text`: names,
/// `.field`, `[i]`, `[*]` and `@sig(...)`.
fn path_len(text: &str) -> Result<usize, String> {
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        match c {
            '@' => i += 1 + annotation(&text[i + 1..])?.1,
            '[' => {
                let close = text[i..]
                    .find(']')
                    .ok_or_else(|| format!("`{text}`: a `[` without its `]`"))?;
                i += close + 1;
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => i += c.len_utf8(),
            _ => break,
        }
    }
    Ok(i)
}

/// Resolves `text` (an argument and its path, see the module docs) against
/// `inputs`: the head word, the path and the word's type.
fn resolve(
    text: &str,
    inputs: &[Param],
    field_names: &[Names],
    function: &str,
) -> Result<(usize, Path, DynSolType), String> {
    let name_len = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    let (name, mut rest) = text.split_at(name_len);
    let names: Vec<String> = inputs
        .iter()
        .enumerate()
        .map(|(i, p)| match p.name.is_empty() {
            true => i.to_string(),
            false => p.name.clone(),
        })
        .collect();
    let index = names
        .iter()
        .enumerate()
        .position(|(i, n)| n == name || i.to_string() == name)
        .ok_or_else(|| {
            let list = match names.is_empty() {
                true => "it has none".to_string(),
                false => format!("its arguments: {}", names.join(", ")),
            };
            format!("`{name}` is not an argument of {function} ({list})")
        })?;
    let nodes: Vec<Node> = inputs
        .iter()
        .enumerate()
        .map(|(i, p)| Node::of(p, field_names.get(i)))
        .collect::<Result<_, _>>()?;
    let mut at = Resolver {
        word: nodes[..index].iter().map(|n| head_words(&n.ty)).sum(),
        steps: Vec::new(),
        pending: 0,
    };
    let mut node = &nodes[index];
    // Inside a `bytes` entered with `@`: at the head of its encoding.
    let mut owned: Node;
    let mut at_head = false;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('@') {
            if node.ty != DynSolType::Bytes {
                return Err(format!(
                    "`{text}`: `@` reads inside a `bytes`, not a {}",
                    node.ty
                ));
            }
            let (sig, len) = annotation(after)?;
            let (skip, (inner, names)) = match sig.strip_prefix('(') {
                Some(_) => (0, parse_signature(&format!("f{sig}"))?),
                None => (4, parse_signature(sig)?),
            };
            at.enter(Some(Step::Bytes(skip)))?;
            let tuple = DynSolType::Tuple(
                inner
                    .inputs
                    .iter()
                    .map(|p| DynSolType::parse(&p.selector_type()))
                    .collect::<Result<_, _>>()
                    .map_err(|e| e.to_string())?,
            );
            owned = Node::build(tuple, &names);
            node = &owned;
            at_head = true;
            rest = &after[len..];
        } else if let Some(after) = rest.strip_prefix('.') {
            let DynSolType::Tuple(fields) = &node.ty else {
                return Err(format!(
                    "`{text}`: `.` picks a tuple's field, and this is a {}",
                    node.ty
                ));
            };
            let len = after
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let field = &after[..len];
            let i = node
                .children
                .iter()
                .enumerate()
                .position(|(i, (n, _))| n == field || i.to_string() == field)
                .ok_or_else(|| {
                    let fields: Vec<String> = node
                        .children
                        .iter()
                        .enumerate()
                        .map(|(i, (n, _))| {
                            if n.is_empty() {
                                i.to_string()
                            } else {
                                n.clone()
                            }
                        })
                        .collect();
                    format!(
                        "`{text}`: `{field}` is not a field (the fields: {})",
                        fields.join(", ")
                    )
                })?;
            if node.ty.is_dynamic() && !at_head {
                at.enter(None)?;
            }
            at.pending += fields[..i].iter().map(head_words).sum::<usize>();
            node = &node.children[i].1;
            at_head = false;
            rest = &after[len..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after
                .find(']')
                .ok_or_else(|| format!("`{text}`: a `[` without its `]`"))?;
            let index = after[..close].trim();
            let element = &node.children.first().ok_or_else(|| {
                format!(
                    "`{text}`: `[..]` picks an array's element, and this is a {}",
                    node.ty
                )
            })?;
            let every = index == "*";
            let i: usize = match every {
                true => 0,
                false => index
                    .parse()
                    .map_err(|_| format!("`{text}`: `[{index}]` is not an index or `*`"))?,
            };
            let stride = head_words(&element.1.ty);
            match &node.ty {
                DynSolType::Array(_) => {
                    let too_big =
                        || format!("`{text}`: the index or the element size is too large");
                    let stride = u16::try_from(stride).map_err(|_| too_big())?;
                    let index = match every {
                        true => None,
                        false => Some(u16::try_from(i).map_err(|_| too_big())?),
                    };
                    at.enter(Some(Step::Index { stride, index }))?;
                }
                DynSolType::FixedArray(_, n) => {
                    if every {
                        return Err(format!(
                            "`{text}`: `[*]` takes every element of a `T[]`; name each element of a {} instead",
                            node.ty
                        ));
                    }
                    if i >= *n {
                        return Err(format!(
                            "`{text}`: index {i} is past the {}'s {n} elements",
                            node.ty
                        ));
                    }
                    if node.ty.is_dynamic() {
                        at.enter(None)?;
                    }
                    at.pending += i * stride;
                }
                _ => unreachable!("only arrays have one child"),
            }
            node = &element.1;
            at_head = false;
            rest = &after[close + 1..];
        } else {
            return Err(format!(
                "`{text}`: cannot read `{rest}` (write `.field`, `[i]`, `[*]` or `@sig(...)`)"
            ));
        }
    }
    at.flush()?;
    if at
        .steps
        .iter()
        .filter(|s| matches!(s, Step::Index { index: None, .. }))
        .count()
        > 1
    {
        return Err(format!(
            "`{text}`: a path may take every element (`[*]`) of one array only"
        ));
    }
    let path = Path::pack(&at.steps).ok_or_else(|| {
        format!("`{text}`: the path does not fit one rule (at most {MAX_STEPS} steps, offsets and indices up to 4095)")
    })?;
    Ok((at.word, path, node.ty.clone()))
}

/// A path as `inspect` prints it: `deref [*] +1`, or nothing for none.
pub fn path_text(path: &Path) -> String {
    let steps = path.steps().unwrap_or_default();
    let text: Vec<String> = steps
        .iter()
        .map(|step| match step {
            Step::Field(k) => format!("+{k}"),
            Step::Deref => "deref".to_string(),
            Step::Index { index: Some(i), .. } => format!("[{i}]"),
            Step::Index { index: None, .. } => "[*]".to_string(),
            Step::Bytes(n) => format!("bytes+{n}"),
        })
        .collect();
    text.join(" ")
}

/// Head words a static type takes (a dynamic one takes its offset word).
fn head_words(ty: &DynSolType) -> usize {
    match ty {
        _ if ty.is_dynamic() => 1,
        DynSolType::Tuple(inner) => inner.iter().map(head_words).sum(),
        DynSolType::FixedArray(inner, n) => head_words(inner) * n,
        _ => 1,
    }
}

/// `100e6` → `100000000`, `1.5e3` → `1500`; anything else unchanged.
fn expand_exponent(text: &str) -> Result<String, String> {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return Ok(text.to_string());
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(whole) || !(fraction.is_empty() || digits_only(fraction)) {
        return Ok(text.to_string());
    }
    let exponent: usize = exponent
        .parse()
        .map_err(|_| format!("`{text}`: the exponent is not a small whole number"))?;
    let fraction = fraction.trim_end_matches('0');
    let zeros = exponent
        .checked_sub(fraction.len())
        .ok_or_else(|| format!("`{text}` is not a whole number"))?;
    Ok(format!("{whole}{fraction}{}", "0".repeat(zeros)))
}

impl Argument {
    fn value(&self, text: &str) -> Result<B256, PermissionError> {
        let text = text.trim();
        let expanded = match self.ty {
            DynSolType::Uint(_) => expand_exponent(text).map_err(bad)?,
            _ => text.to_string(),
        };
        let value = self.ty.coerce_str(&expanded).map_err(|e| {
            bad(format!(
                "`{text}` is not a {} for `{}`: {e}",
                self.ty, self.name
            ))
        })?;
        let word = value.abi_encode();
        <[u8; 32]>::try_from(word.as_slice())
            .map(B256::from)
            .map_err(|_| bad(format!("`{}` is not one ABI word", self.name)))
    }
}

/// `hour`, `day`, `week` or a number of seconds (1 to `u32::MAX`).
fn period_seconds(text: &str, expression: &str) -> Result<u32, PermissionError> {
    let seconds = match text {
        "hour" => Some(3_600),
        "day" => Some(86_400),
        "week" => Some(7 * 86_400),
        _ => text.parse::<u32>().ok().filter(|s| *s > 0),
    };
    seconds.ok_or_else(|| {
        bad(format!(
            "`{expression}`: the period `{text}` is not `hour`, `day`, `week` or a number of seconds from 1 to {}",
            u32::MAX
        ))
    })
}

impl ParamRule {
    /// The rule for `target.signature(...)` from `expressions` (see the
    /// module docs), or what is wrong with one of them.
    pub fn parse(
        target: Address,
        signature: &str,
        expressions: &[impl AsRef<str>],
    ) -> Result<Self, PermissionError> {
        let (function, names) = parse_signature(signature).map_err(|e| {
            bad(format!(
                "`{signature}` is not a function signature such as `transfer(address to,uint256 amount)`: {e}"
            ))
        })?;
        let mut rule = Self {
            target,
            function: Selector::parse(&function.signature())?,
            conditions: Vec::new(),
            totals: Vec::new(),
        };
        if expressions.is_empty() {
            return Err(bad(format!(
                "no conditions for `{signature}`: give at least one, such as `amount <= 100`"
            )));
        }
        for expression in expressions {
            rule.add(expression.as_ref(), &function.inputs, &names)?;
        }
        rule.check()?;
        Ok(rule)
    }

    /// The word `text` names (an argument and its path).
    fn argument(
        &self,
        text: &str,
        inputs: &[Param],
        names: &[Names],
    ) -> Result<Argument, PermissionError> {
        let (word, path, ty) =
            resolve(text, inputs, names, &self.function.to_string()).map_err(bad)?;
        let (bits, ordered) = match ty {
            DynSolType::Address => (160, true),
            DynSolType::Bool => (8, true),
            DynSolType::Uint(n) => (n as u16, true),
            DynSolType::FixedBytes(_) => (256, false),
            _ => {
                return Err(bad(format!(
                    "`{text}` is a {ty}, and conditions apply only to addresses, bools, uintN and bytesN (signed integers and whole dynamic values are not supported; name a word inside with `.field`, `[i]`, `[*]` or `@sig(...)`)"
                )))
            }
        };
        let word = u16::try_from(word)
            .map_err(|_| bad(format!("`{text}` is too far into {}", self.function)))?;
        Ok(Argument {
            name: text.to_string(),
            ty,
            word,
            path,
            bits,
            ordered,
        })
    }

    fn add(
        &mut self,
        expression: &str,
        inputs: &[Param],
        names: &[Names],
    ) -> Result<(), PermissionError> {
        let text = expression.trim();
        let (total, rest) = match text.strip_prefix("sum(") {
            Some(inner) => {
                let len = path_len(inner).map_err(bad)?;
                let rest = inner[len..].trim_start().strip_prefix(')').ok_or_else(|| {
                    bad(format!("`{text}`: write a total as `sum(amount) <= 1000`"))
                })?;
                (Some(inner[..len].trim()), rest.trim())
            }
            None => (None, text),
        };
        let (name, rest) = match total {
            Some(name) => (name, rest),
            None => {
                let len = path_len(rest).map_err(bad)?;
                (&rest[..len], rest[len..].trim())
            }
        };
        let arg = self.argument(name, inputs, names)?;
        let (op_text, op) = OPERATORS
            .iter()
            .find(|(t, _)| rest.starts_with(t))
            .copied()
            .ok_or_else(|| {
                bad(format!(
                    "`{text}`: expected ==, !=, <, <=, >, >= or `in [..]` after `{name}`"
                ))
            })?;
        let value_text = rest[op_text.len()..].trim();
        if total.is_some() {
            if op != OP_LE || !matches!(arg.ty, DynSolType::Uint(_)) {
                return Err(bad(format!(
                    "`{text}`: a total is written `sum({name}) <= LIMIT`, on a uintN argument"
                )));
            }
            let (limit_text, period) = match value_text.split_once(" per ") {
                Some((limit, period)) => (limit, period_seconds(period.trim(), text)?),
                None => (value_text, 0),
            };
            let limit = U256::from_be_bytes(arg.value(limit_text)?.0);
            self.totals.push(ArgTotal {
                arg: arg.word,
                bits: arg.bits,
                limit,
                period,
                path: arg.path,
            });
            return Ok(());
        }
        if !arg.ordered && !matches!(op, OP_EQ | OP_NE | OP_ONE_OF) {
            return Err(bad(format!(
                "`{text}`: a {} compares only with ==, != or `in`",
                arg.ty
            )));
        }
        if op == OP_ONE_OF {
            let list = value_text
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| bad(format!("`{text}`: write a list as `{name} in [a, b]`")))?;
            let values: Vec<&str> = list
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() {
                return Err(bad(format!("`{text}`: the list is empty")));
            }
            for value in values {
                self.conditions.push(ArgCondition {
                    arg: arg.word,
                    bits: arg.bits,
                    op,
                    value: arg.value(value)?,
                    path: arg.path,
                });
            }
            return Ok(());
        }
        self.conditions.push(ArgCondition {
            arg: arg.word,
            bits: arg.bits,
            op,
            value: arg.value(value_text)?,
            path: arg.path,
        });
        Ok(())
    }

    /// What the module would refuse at install, said before sending.
    pub fn check(&self) -> Result<(), PermissionError> {
        if self.conditions.len() > MAX_CONDITIONS {
            return Err(bad(format!(
                "{} on {} has {} conditions (a list counts one per value); at most {MAX_CONDITIONS} fit one function",
                self.function,
                self.target,
                self.conditions.len()
            )));
        }
        if self.totals.len() > MAX_TOTALS {
            return Err(bad(format!(
                "{} on {} has {} totals; at most {MAX_TOTALS}",
                self.function,
                self.target,
                self.totals.len()
            )));
        }
        // The module's own shape checks, so the SDK refuses what it would.
        let refused = |fault: RuleFault| {
            bad(format!(
                "{} on {} cannot be installed: param-rules would refuse it ({fault:?})",
                self.function, self.target
            ))
        };
        let fault = |path: &Path, fault: Option<RuleFault>| fault.or(path_fault(path, true));
        if let Some(fault) = self
            .module_conditions()
            .find_map(|c| fault(&c.path, condition_fault(&c)))
        {
            return Err(refused(fault));
        }
        for total in self.module_totals() {
            match fault(&total.path, total_fault(&total)) {
                Some(RuleFault::Limit) => {
                    return Err(bad(format!(
                        "a total's limit must be between 1 and 2^{LIMIT_BITS} - 1, not {}",
                        total.limit
                    )))
                }
                Some(fault) => return Err(refused(fault)),
                None => {}
            }
        }
        for (j, total) in self.totals.iter().enumerate() {
            if self.totals[..j]
                .iter()
                .any(|t| (t.arg, t.path) == (total.arg, total.path))
            {
                return Err(bad(format!(
                    "{} on {} sums one argument twice; give one total per argument",
                    self.function, self.target
                )));
            }
        }
        Ok(())
    }

    /// The module's conditions.
    pub fn module_conditions(&self) -> impl Iterator<Item = Condition> + '_ {
        self.conditions.iter().map(|c| Condition {
            target: self.target,
            selector: self.function.bytes,
            arg: c.arg,
            op: c.op,
            bits: c.bits,
            value: c.value,
            path: c.path,
        })
    }

    /// The module's totals.
    pub fn module_totals(&self) -> impl Iterator<Item = Total> + '_ {
        self.totals.iter().map(|t| Total {
            target: self.target,
            selector: self.function.bytes,
            arg: t.arg,
            bits: t.bits,
            limit: t.limit,
            period: t.period,
            path: t.path,
        })
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::address;

    use super::*;

    const TOKEN: Address = address!("7070707070707070707070707070707070707070");
    const BOB: &str = "0xb0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
    const TRANSFER: &str = "transfer(address to,uint256 amount)";
    const BATCH: &str =
        "safeBatchTransferFrom(address from,address to,uint256[] ids,uint256[] amounts,bytes data)";
    const EXACT: &str =
        "exactInput((bytes path,address recipient,uint256 deadline,uint256 amountIn) params)";

    #[test]
    fn paths_name_words_inside_dynamic_arguments() {
        let every = Path::pack(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: None,
            },
        ])
        .unwrap();
        let rule = ParamRule::parse(
            TOKEN,
            BATCH,
            &[
                "ids[*] in [1, 2]",
                "amounts[0] <= 10",
                "sum(amounts[*]) <= 100 per day",
            ],
        )
        .unwrap();
        let c = &rule.conditions;
        assert_eq!((c[0].arg, c[0].path, c[0].bits), (2, every, 256));
        assert_eq!(c[1].op, OP_ONE_OF);
        let first = Path::pack(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: Some(0),
            },
        ])
        .unwrap();
        assert_eq!((c[2].arg, c[2].path), (3, first));
        assert_eq!(
            (
                rule.totals[0].arg,
                rule.totals[0].path,
                rule.totals[0].period
            ),
            (3, every, 86_400)
        );
        // A dynamic tuple's field: follow its offset, then one word on.
        let rule =
            ParamRule::parse(TOKEN, EXACT, &[&format!("params.recipient == {BOB}")]).unwrap();
        let recipient = Path::pack(&[Step::Deref, Step::Field(1)]).unwrap();
        assert_eq!(
            (
                rule.conditions[0].arg,
                rule.conditions[0].path,
                rule.conditions[0].bits
            ),
            (0, recipient, 160)
        );
        // A call inside `bytes`, and an encoding without a selector.
        let rule = ParamRule::parse(
            TOKEN,
            "execute(address to,uint256 value,bytes data)",
            &[
                "data@transfer(address to,uint256 amount).amount <= 5",
                "data@(address a,(uint8 x,uint64 y) t).t.y < 9",
                "sum(data@transfer(address to,uint256 amount).1) <= 50",
            ],
        )
        .unwrap();
        let amount = Path::pack(&[Step::Deref, Step::Bytes(4), Step::Field(1)]).unwrap();
        assert_eq!(
            (rule.conditions[0].arg, rule.conditions[0].path),
            (2, amount)
        );
        let y = Path::pack(&[Step::Deref, Step::Bytes(0), Step::Field(2)]).unwrap();
        assert_eq!((rule.conditions[1].path, rule.conditions[1].bits), (y, 64));
        assert_eq!(rule.totals[0].path, amount);
        // An array of dynamic tuples: offsets per element, then a field.
        let rule = ParamRule::parse(
            TOKEN,
            "aggregate((address target,bytes callData)[] calls,uint256 n)",
            &[
                "calls[*].target == 0x7070707070707070707070707070707070707070",
                "n < 4",
            ],
        )
        .unwrap();
        let target = Path::pack(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: None,
            },
            Step::Deref,
        ])
        .unwrap();
        assert_eq!(
            (rule.conditions[0].arg, rule.conditions[0].path),
            (0, target)
        );
        assert_eq!(
            (rule.conditions[1].arg, rule.conditions[1].path),
            (1, Path::NONE)
        );
        // Static tuples and fixed arrays need no path: they move the head word.
        let rule = ParamRule::parse(
            TOKEN,
            "f((uint256 a,uint256 b)[2] pairs,(uint8 x,address y) t)",
            &[
                "pairs[1].b <= 3",
                "t.y == 0x7070707070707070707070707070707070707070",
            ],
        )
        .unwrap();
        assert_eq!(
            (rule.conditions[0].arg, rule.conditions[0].path),
            (3, Path::NONE)
        );
        assert_eq!((rule.conditions[1].arg, rule.conditions[1].bits), (5, 160));
        assert_eq!(path_text(&target), "deref [*] deref");
        assert_eq!(path_text(&amount), "deref bytes+4 +1");
        assert_eq!(path_text(&Path::NONE), "");
    }

    fn word(v: u64) -> B256 {
        B256::from(U256::from(v).to_be_bytes::<32>())
    }

    #[test]
    fn rules_are_read_from_a_signature_by_name_or_position() {
        let rule = ParamRule::parse(
            TOKEN,
            TRANSFER,
            &[
                &format!("to in [{BOB}, 0xc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0]"),
                "amount <= 100e6",
                "1 > 0",
                "sum(amount) <= 1.5e9",
            ],
        )
        .unwrap();
        assert_eq!(rule.function.bytes, [0xa9, 0x05, 0x9c, 0xbb]);
        let bob: Address = BOB.parse().unwrap();
        assert_eq!(
            rule.conditions,
            vec![
                ArgCondition {
                    arg: 0,
                    bits: 160,
                    op: OP_ONE_OF,
                    value: bob.into_word(),
                    path: Path::NONE,
                },
                ArgCondition {
                    arg: 0,
                    bits: 160,
                    op: OP_ONE_OF,
                    value: Address::repeat_byte(0xc0).into_word(),
                    path: Path::NONE,
                },
                ArgCondition {
                    arg: 1,
                    bits: 256,
                    op: OP_LE,
                    value: word(100_000_000),
                    path: Path::NONE,
                },
                ArgCondition {
                    arg: 1,
                    bits: 256,
                    op: OP_GT,
                    value: word(0),
                    path: Path::NONE,
                },
            ]
        );
        assert_eq!(
            rule.totals,
            vec![ArgTotal {
                arg: 1,
                bits: 256,
                limit: U256::from(1_500_000_000u64),
                period: 0,
                path: Path::NONE,
            }]
        );
        let daily = ParamRule::parse(TOKEN, TRANSFER, &["sum(amount) <= 5 per 86400"]).unwrap();
        assert_eq!(
            (daily.totals[0].limit, daily.totals[0].period),
            (U256::from(5), 86_400)
        );
        let weekly = ParamRule::parse(TOKEN, TRANSFER, &["sum(amount) <= 5 per week"]).unwrap();
        assert_eq!(weekly.module_totals().next().unwrap().period, 604_800);
        // A static tuple before an argument moves its head word.
        let rule = ParamRule::parse(
            TOKEN,
            "f((uint256,uint256) pair,uint8 small,bytes data,bool flag)",
            &["small < 7", "flag == true"],
        )
        .unwrap();
        assert_eq!((rule.conditions[0].arg, rule.conditions[0].bits), (2, 8));
        assert_eq!(
            (rule.conditions[1].arg, rule.conditions[1].value),
            (4, word(1))
        );
    }

    #[test]
    fn bad_rules_say_what_is_wrong() {
        let cases: [(&str, &[&str], &str); 22] = [
            (
                "transfer(address to,uint256",
                &["to == 0x0"],
                "not a function signature",
            ),
            (TRANSFER, &[], "no conditions"),
            (TRANSFER, &["value <= 1"], "its arguments: to, amount"),
            (TRANSFER, &["amount ~ 1"], "expected =="),
            (TRANSFER, &["amount <= lots"], "is not a uint256"),
            (TRANSFER, &["amount <= 1.5e0"], "not a whole number"),
            (TRANSFER, &["sum(amount) < 5"], "a total is written"),
            (TRANSFER, &["sum(to) <= 5"], "uintN"),
            (
                TRANSFER,
                &["sum(amount) <= 5 per fortnight"],
                "is not `hour`",
            ),
            (TRANSFER, &["sum(amount) <= 5 per 0"], "from 1 to"),
            (TRANSFER, &["to in 0x1"], "write a list"),
            (
                "f(int256 x)",
                &["x > 0"],
                "signed integers and whole dynamic",
            ),
            (
                "f(bytes data)",
                &["data == 0x"],
                "signed integers and whole dynamic",
            ),
            (
                TRANSFER,
                &["sum(amount) <= 1", "sum(amount) <= 2"],
                "sums one argument twice",
            ),
            (BATCH, &["ids[*][*] == 1"], "an array's element"),
            ("f(uint256[][] m)", &["m[*][*] == 1"], "of one array only"),
            ("f(uint256[2] pair)", &["pair[*] == 1"], "name each element"),
            ("f(uint256[2] pair)", &["pair[2] == 1"], "past the"),
            (BATCH, &["ids.x == 1"], "picks a tuple's field"),
            (
                EXACT,
                &["params.recipent == 0x0"],
                "the fields: path, recipient",
            ),
            (
                "f(uint256 x)",
                &["x@(uint256 a).a == 1"],
                "inside a `bytes`",
            ),
            ("f(bytes b)", &["b@(uint256 a == 1"], "unbalanced"),
        ];
        for (signature, rules, needle) in cases {
            let err = ParamRule::parse(TOKEN, signature, rules).unwrap_err();
            assert!(matches!(err, PermissionError::BadParamRule(_)), "{err}");
            assert!(
                err.to_string().contains(needle),
                "{signature} {rules:?}: {err}"
            );
        }
        let seven: Vec<String> = (0..7).map(|i| format!("amount != {i}")).collect();
        let err = ParamRule::parse(TOKEN, TRANSFER, &seven).unwrap_err();
        assert!(err.to_string().contains("at most 6"), "{err}");
        let err = ParamRule::parse(TOKEN, "f(bytes4 s)", &["s < 0x12345678"]).unwrap_err();
        assert!(err.to_string().contains("compares only with"), "{err}");
    }
}
