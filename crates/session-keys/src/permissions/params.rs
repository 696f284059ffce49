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
//! `1`, …). Conditions apply to static arguments: an address, a `bool`, a
//! `uintN` or a `bytesN` (`==`, `!=` and lists only). Signed integers and
//! dynamic arguments (`bytes`, `string`, arrays) are refused: the module
//! compares unsigned head words and follows no ABI path yet. Values are
//! what alloy parses for the argument's type, plus `100e6`-style integers.
//! The module is `contracts/param-rules` (rule:
//! `permission_core::params`).

use alloy_dyn_abi::DynSolType;
use alloy_json_abi::Function;
use alloy_primitives::{Address, B256, U256};
use permission_core::params::{
    condition_fault, total_fault, Condition, RuleFault, Total, LIMIT_BITS, MAX_CONDITIONS,
    MAX_TOTALS, OP_EQ, OP_GE, OP_GT, OP_LE, OP_LT, OP_NE, OP_ONE_OF,
};

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

/// An argument a condition can name: its head word and width.
struct Argument {
    name: String,
    ty: DynSolType,
    word: u16,
    bits: u16,
    ordered: bool,
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
        let function = Function::parse(signature.trim()).map_err(|e| {
            bad(format!(
                "`{signature}` is not a function signature such as `transfer(address to,uint256 amount)`: {e}"
            ))
        })?;
        let mut arguments = Vec::new();
        let mut word = 0usize;
        for (i, input) in function.inputs.iter().enumerate() {
            let ty = DynSolType::parse(&input.selector_type())
                .map_err(|e| bad(format!("`{signature}`: {e}")))?;
            let (bits, ordered) = match ty {
                DynSolType::Address => (160, true),
                DynSolType::Bool => (8, true),
                DynSolType::Uint(n) => (n as u16, true),
                DynSolType::FixedBytes(_) => (256, false),
                _ => (0, false),
            };
            let name = if input.name.is_empty() {
                i.to_string()
            } else {
                input.name.clone()
            };
            let index =
                u16::try_from(word).map_err(|_| bad(format!("`{signature}` is too long")))?;
            word += head_words(&ty);
            arguments.push(Argument {
                name,
                ty,
                word: index,
                bits,
                ordered,
            });
        }
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
            rule.add(expression.as_ref(), &arguments)?;
        }
        rule.check()?;
        Ok(rule)
    }

    fn add(&mut self, expression: &str, arguments: &[Argument]) -> Result<(), PermissionError> {
        let text = expression.trim();
        let (total, rest) = match text.strip_prefix("sum(") {
            Some(rest) => {
                let (name, rest) = rest.split_once(')').ok_or_else(|| {
                    bad(format!("`{text}`: write a total as `sum(amount) <= 1000`"))
                })?;
                (Some(name.trim()), rest.trim())
            }
            None => (None, text),
        };
        let (name, rest) = match total {
            Some(name) => (name, rest),
            None => {
                let end = rest
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                (&rest[..end], rest[end..].trim())
            }
        };
        let arg = arguments
            .iter()
            .enumerate()
            .find(|(i, a)| a.name == name || i.to_string() == name)
            .map(|(_, a)| a)
            .ok_or_else(|| {
                let names: Vec<&str> = arguments.iter().map(|a| a.name.as_str()).collect();
                bad(format!(
                    "`{text}`: `{name}` is not an argument of {} (its arguments: {})",
                    self.function,
                    names.join(", ")
                ))
            })?;
        if arg.bits == 0 {
            return Err(bad(format!(
                "`{text}`: `{}` is a {}, and conditions apply only to addresses, bools, uintN and bytesN (signed and dynamic arguments are not supported)",
                arg.name, arg.ty
            )));
        }
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
                });
            }
            return Ok(());
        }
        self.conditions.push(ArgCondition {
            arg: arg.word,
            bits: arg.bits,
            op,
            value: arg.value(value_text)?,
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
        if let Some(fault) = self.module_conditions().find_map(|c| condition_fault(&c)) {
            return Err(refused(fault));
        }
        for total in self.module_totals() {
            match total_fault(&total) {
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
            if self.totals[..j].iter().any(|t| t.arg == total.arg) {
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
                    value: bob.into_word()
                },
                ArgCondition {
                    arg: 0,
                    bits: 160,
                    op: OP_ONE_OF,
                    value: Address::repeat_byte(0xc0).into_word()
                },
                ArgCondition {
                    arg: 1,
                    bits: 256,
                    op: OP_LE,
                    value: word(100_000_000)
                },
                ArgCondition {
                    arg: 1,
                    bits: 256,
                    op: OP_GT,
                    value: word(0)
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
        let cases: [(&str, &[&str], &str); 14] = [
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
            ("f(int256 x)", &["x > 0"], "signed and dynamic"),
            ("f(bytes data)", &["data == 0x"], "signed and dynamic"),
            (
                TRANSFER,
                &["sum(amount) <= 1", "sum(amount) <= 2"],
                "sums one argument twice",
            ),
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
