//! Parameter rules: conditions on a call's ABI arguments, and running
//! totals of one argument, per (target, selector).
//!
//! A call's argument `arg` is its head word `arg` after the selector
//! (`data[4 + 32·arg ..][..32]`): a static argument's value, whatever the
//! dynamic arguments hold. A non-zero `path` ([`crate::path`]) goes on from
//! there into a dynamic argument (a field of a dynamic tuple, an array's
//! element or every element, a call inside a `bytes`), following offsets
//! as the callee's decoder does. Each word is read at a width of `bits`
//! (160 for an address, N for a `uintN`, 256 for a `uint256` or `bytes32`);
//! a word with any bit set above it is refused as dirty, so a condition on
//! an address cannot be passed by a word the callee would read differently.
//! Values compare as unsigned integers.
//!
//! The install data of the param-rules module (and of the rule a policy
//! composes) is `abi.encode(uint32 entityId, Condition[] conditions,
//! Total[] totals)` with
//!
//! ```solidity
//! struct Condition { address target; bytes4 selector; uint16 arg; uint8 op; uint16 bits; bytes32 value; bytes32 path; }
//! struct Total { address target; bytes4 selector; uint16 arg; uint16 bits; uint256 limit; uint32 period; bytes32 path; }
//! ```
//!
//! The conditions of one function all hold (AND), except that several
//! `ONE_OF` conditions on one argument (and path) are its list: one of
//! them holds. A condition on every element of an array holds for each.
//! A total caps the sum of the argument (every element's, on such a path)
//! over every call of the key's life
//! (`period` 0), or in each period of `period` seconds from the install,
//! with [`crate::period::Ledger`]'s arithmetic.

use alloc::vec::Vec;

use crate::abi::{AbiReader, AbiWriter, CalldataError, WORD};
use crate::install::StaticTuples;
use crate::path::{locate, Located, Path};
use crate::{Address, B256, U256};

/// `argument == value`.
pub const OP_EQ: u8 = 0;
/// `argument != value`.
pub const OP_NE: u8 = 1;
/// `argument < value`.
pub const OP_LT: u8 = 2;
/// `argument <= value`.
pub const OP_LE: u8 = 3;
/// `argument > value`.
pub const OP_GT: u8 = 4;
/// `argument >= value`.
pub const OP_GE: u8 = 5;
/// `argument` is one of the values of every `ONE_OF` condition on it.
pub const OP_ONE_OF: u8 = 6;

/// Conditions one function may carry (one storage word holds their
/// shapes).
pub const MAX_CONDITIONS: usize = 6;
/// Totals one function may carry.
pub const MAX_TOTALS: usize = 2;
/// A total's limit must be below `2^LIMIT_BITS` (its word also holds the
/// argument's shape, the period and its anchor).
pub const LIMIT_BITS: usize = 144;

/// One condition on one argument of `target.selector(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Condition {
    /// The called contract.
    pub target: Address,
    /// The called function.
    pub selector: [u8; 4],
    /// The argument's head-word index.
    pub arg: u16,
    /// One of the `OP_*` operators.
    pub op: u8,
    /// The argument's width.
    pub bits: u16,
    /// What it is compared with.
    pub value: B256,
    /// Where the word lies from head word `arg` ([`Path::NONE`]: there).
    pub path: Path,
}

/// A running total of one argument of `target.selector(...)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Total {
    /// The called contract.
    pub target: Address,
    /// The called function.
    pub selector: [u8; 4],
    /// The argument's head-word index.
    pub arg: u16,
    /// The argument's width.
    pub bits: u16,
    /// The most the argument may sum to over the key's life, or per
    /// period.
    pub limit: U256,
    /// The period in seconds; 0: over the key's life.
    pub period: u32,
    /// Where the summed word lies from head word `arg`.
    pub path: Path,
}

/// Why a rule cannot be installed (`InvalidParamRule(index, reason)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum RuleFault {
    /// The operator is not one of `OP_*`.
    Operator = 1,
    /// `bits` is not a multiple of 8 between 8 and 256.
    Width = 2,
    /// The value does not fit `bits`.
    ValueTooWide = 3,
    /// More than [`MAX_CONDITIONS`] conditions or [`MAX_TOTALS`] totals
    /// for one function.
    TooMany = 4,
    /// The zero address or the zero selector (a plain value transfer has
    /// no arguments).
    NoFunction = 5,
    /// A total whose limit is zero or not below `2^144`, or a second total
    /// on one argument and path.
    Limit = 6,
    /// A malformed path (see [`crate::path`]).
    Path = 7,
}

/// Why a call's argument could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArgError {
    /// The calldata ends before the argument's word, or its path locates
    /// nothing.
    Missing,
    /// The word has bits set above the argument's width.
    Dirty(B256),
}

/// Whether `bits` is a width an argument can have.
pub const fn valid_width(bits: u16) -> bool {
    bits >= 8 && bits <= 256 && bits.is_multiple_of(8)
}

/// Whether `value` fits in `bits` (a valid width).
pub fn fits(value: &B256, bits: u16) -> bool {
    let high = WORD - usize::from(bits / 8);
    value[..high].iter().all(|b| *b == 0)
}

/// The words of argument `arg` and `path` of `data` (a call's calldata,
/// selector included), each read at a width of `bits`: one, or one per
/// element of an array the path takes every element of.
///
/// A program built with `PATHS` false follows no path: it reads head word
/// `arg` (its install refused every path), and carries none of
/// [`crate::path`]'s code.
pub fn arguments<'d, const PATHS: bool>(
    data: &'d [u8],
    arg: u16,
    bits: u16,
    path: &Path,
) -> Result<Arguments<'d, PATHS>, ArgError> {
    let located = match PATHS && !path.is_empty() {
        true => Some(locate(data, arg, path).ok_or(ArgError::Missing)?),
        false => None,
    };
    Ok(Arguments {
        data,
        arg,
        located,
        bits,
        next: 0,
    })
}

/// The words [`arguments`] locates.
pub struct Arguments<'d, const PATHS: bool> {
    data: &'d [u8],
    arg: u16,
    /// `None`: head word `arg` itself.
    located: Option<Located<'d>>,
    bits: u16,
    next: usize,
}

impl<const PATHS: bool> Iterator for Arguments<'_, PATHS> {
    type Item = Result<B256, ArgError>;

    fn next(&mut self) -> Option<Self::Item> {
        let word = match &self.located {
            Some(located) if PATHS && self.next < located.count() => located.word(self.next),
            None if self.next == 0 => head_word(self.data, self.arg),
            _ => return None,
        };
        self.next += 1;
        Some(match word {
            None => Err(ArgError::Missing),
            Some(word) if fits(&word, self.bits) => Ok(word),
            Some(word) => Err(ArgError::Dirty(word)),
        })
    }
}

/// Head word `arg` of a call's calldata (after its selector).
fn head_word(data: &[u8], arg: u16) -> Option<B256> {
    let head = AbiReader::new(data.get(4..)?).head(usize::from(arg)).ok()?;
    Some(B256::from(*head))
}

/// Whether `argument op value` holds, for every operator but `ONE_OF`
/// (which holds when the two are equal: a list is checked by
/// [`conditions_hold`]).
pub fn compare(op: u8, argument: &B256, value: &B256) -> bool {
    let (a, v) = (
        U256::from_be_bytes(argument.0),
        U256::from_be_bytes(value.0),
    );
    match op {
        OP_EQ | OP_ONE_OF => a == v,
        OP_NE => a != v,
        OP_LT => a < v,
        OP_LE => a <= v,
        OP_GT => a > v,
        OP_GE => a >= v,
        _ => false,
    }
}

/// A condition's shape without its function and value, as one function's
/// stored header keeps it (the path beside it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// The argument.
    pub arg: u16,
    /// The operator.
    pub op: u8,
    /// The width.
    pub bits: u16,
    /// The path from the argument.
    pub path: Path,
}

/// The first condition among `shapes` (with `values`) that `data` fails:
/// `Ok(None)` when all hold, `Ok(Some((index, word)))` for the failing one
/// (for a list, its first entry) and the word that failed it, or why an
/// argument could not be read.
pub fn conditions_hold<const PATHS: bool>(
    data: &[u8],
    shapes: &[Shape],
    value: impl Fn(usize) -> B256,
) -> Result<Option<(usize, B256)>, (u16, ArgError)> {
    for (i, shape) in shapes.iter().enumerate() {
        let same = |j: &usize| {
            let other = &shapes[*j];
            // Without paths, every path is empty.
            other.op == OP_ONE_OF && other.arg == shape.arg && (!PATHS || other.path == shape.path)
        };
        // A list is judged once, at its first entry.
        if shape.op == OP_ONE_OF && (0..i).any(|j| same(&j)) {
            continue;
        }
        let words = arguments::<PATHS>(data, shape.arg, shape.bits, &shape.path);
        for arg in words.map_err(|e| (shape.arg, e))? {
            let arg = arg.map_err(|e| (shape.arg, e))?;
            let holds = match shape.op {
                OP_ONE_OF => (i..shapes.len()).filter(same).any(|j| arg == value(j)),
                op => compare(op, &arg, &value(i)),
            };
            if !holds {
                return Ok(Some((i, arg)));
            }
        }
    }
    Ok(None)
}

/// Decoded param-rules install data.
#[derive(Clone, Copy, Debug)]
pub struct ParamRulesInstall<'a> {
    /// The hook's entityId.
    pub entity_id: u32,
    conditions: StaticTuples<'a>,
    totals: StaticTuples<'a>,
}

impl<'a> ParamRulesInstall<'a> {
    /// Decodes `(uint32, Condition[], Total[])`.
    pub fn decode(data: &'a [u8]) -> Result<Self, CalldataError> {
        let r = AbiReader::new(data);
        Ok(Self {
            entity_id: r.u32(0)?,
            conditions: StaticTuples::new(&r, 1, 7)?,
            totals: StaticTuples::new(&r, 2, 7)?,
        })
    }

    /// The conditions, in order.
    pub fn conditions(&self) -> impl Iterator<Item = Result<Condition, CalldataError>> + 'a {
        let list = self.conditions;
        (0..list.len()).map(move |i| {
            let e = list.element(i);
            Ok(Condition {
                target: e.address(0)?,
                selector: e.bytes4(1)?,
                arg: e.uint(2, 16)? as u16,
                op: e.uint(3, 8)? as u8,
                bits: e.uint(4, 16)? as u16,
                value: e.b256(5)?,
                path: Path(e.b256(6)?),
            })
        })
    }

    /// The totals, in order.
    pub fn totals(&self) -> impl Iterator<Item = Result<Total, CalldataError>> + 'a {
        let list = self.totals;
        (0..list.len()).map(move |i| {
            let e = list.element(i);
            Ok(Total {
                target: e.address(0)?,
                selector: e.bytes4(1)?,
                arg: e.uint(2, 16)? as u16,
                bits: e.uint(3, 16)? as u16,
                limit: e.u256(4)?,
                period: e.u32(5)?,
                path: Path(e.b256(6)?),
            })
        })
    }

    /// How many conditions and totals.
    pub fn counts(&self) -> (usize, usize) {
        (self.conditions.len(), self.totals.len())
    }
}

/// One `Condition` tuple (seven words).
pub fn encode_condition(c: &Condition) -> Vec<u8> {
    AbiWriter::new(7)
        .address(c.target)
        .bytes4(c.selector)
        .uint(c.arg.into())
        .uint(c.op.into())
        .uint(c.bits.into())
        .word(c.value.0)
        .word(c.path.0 .0)
        .finish()
}

/// One `Total` tuple (seven words).
pub fn encode_total(t: &Total) -> Vec<u8> {
    AbiWriter::new(7)
        .address(t.target)
        .bytes4(t.selector)
        .uint(t.arg.into())
        .uint(t.bits.into())
        .u256(t.limit)
        .uint(t.period.into())
        .word(t.path.0 .0)
        .finish()
}

/// Encodes param-rules install data.
pub fn encode_param_rules(entity_id: u32, conditions: &[Condition], totals: &[Total]) -> Vec<u8> {
    let conditions: Vec<Vec<u8>> = conditions.iter().map(encode_condition).collect();
    let totals: Vec<Vec<u8>> = totals.iter().map(encode_total).collect();
    let mut w = AbiWriter::new(3);
    w.uint(entity_id.into())
        .dyn_encoded(&crate::abi::encode_array(&conditions, false))
        .dyn_encoded(&crate::abi::encode_array(&totals, false));
    w.finish()
}

/// What is wrong with a condition's shape, if anything (its function is
/// checked by [`function_fault`], its path by [`path_fault`]).
pub fn condition_fault(c: &Condition) -> Option<RuleFault> {
    if c.op > OP_ONE_OF {
        Some(RuleFault::Operator)
    } else if !valid_width(c.bits) {
        Some(RuleFault::Width)
    } else if !fits(&c.value, c.bits) {
        Some(RuleFault::ValueTooWide)
    } else {
        function_fault(c.target, c.selector)
    }
}

/// What is wrong with a total's shape, if anything (its path is checked
/// by [`path_fault`]).
pub fn total_fault(t: &Total) -> Option<RuleFault> {
    if !valid_width(t.bits) {
        Some(RuleFault::Width)
    } else if t.limit.is_zero() || t.limit.bit_len() > LIMIT_BITS {
        Some(RuleFault::Limit)
    } else {
        function_fault(t.target, t.selector)
    }
}

/// What is wrong with a rule's path, if anything: a malformed one, or any
/// path for a program that follows none (`paths` false).
pub fn path_fault(path: &Path, paths: bool) -> Option<RuleFault> {
    let bad = match paths {
        true => !path.is_valid(),
        false => !path.is_empty(),
    };
    bad.then_some(RuleFault::Path)
}

/// A rule needs a contract and a function with arguments.
pub fn function_fault(target: Address, selector: [u8; 4]) -> Option<RuleFault> {
    (target == Address::ZERO || selector == [0; 4]).then_some(RuleFault::NoFunction)
}

#[cfg(test)]
mod tests {
    use alloc::vec;

    use super::*;

    fn word(v: u64) -> B256 {
        B256::from(U256::from(v).to_be_bytes::<32>())
    }

    fn call(args: &[B256]) -> Vec<u8> {
        let mut data = vec![0xa9, 0x05, 0x9c, 0xbb];
        for a in args {
            data.extend_from_slice(a.as_slice());
        }
        data
    }

    fn argument(data: &[u8], arg: u16, bits: u16) -> Result<B256, ArgError> {
        let mut words = arguments::<true>(data, arg, bits, &Path::NONE)?;
        let word = words.next().unwrap();
        assert!(words.next().is_none());
        word
    }

    fn shape(arg: u16, op: u8, bits: u16) -> Shape {
        Shape {
            arg,
            op,
            bits,
            path: Path::NONE,
        }
    }

    #[test]
    fn every_operator_compares_unsigned() {
        let (small, big) = (word(5), word(7));
        let cases = [
            (OP_EQ, [false, true, false]),
            (OP_NE, [true, false, true]),
            (OP_LT, [true, false, false]),
            (OP_LE, [true, true, false]),
            (OP_GT, [false, false, true]),
            (OP_GE, [false, true, true]),
        ];
        for (op, want) in cases {
            // argument below, equal to and above the value 5/7.
            assert_eq!(compare(op, &small, &big), want[0], "op {op}");
            assert_eq!(compare(op, &big, &big), want[1], "op {op}");
            assert_eq!(compare(op, &big, &small), want[2], "op {op}");
        }
        assert!(!compare(7, &small, &small));
    }

    #[test]
    fn attack_dirty_high_bits_and_short_calldata_are_refused() {
        let mut dirty = word(1);
        dirty.0[0] = 1;
        assert_eq!(
            argument(&call(&[dirty]), 0, 160),
            Err(ArgError::Dirty(dirty))
        );
        assert_eq!(argument(&call(&[dirty]), 0, 256), Ok(dirty));
        let mut address_with_a_13th_byte = word(0);
        address_with_a_13th_byte.0[11] = 1;
        assert!(argument(&call(&[address_with_a_13th_byte]), 0, 160).is_err());
        assert_eq!(argument(&call(&[word(1)]), 1, 256), Err(ArgError::Missing));
        let mut short = call(&[word(1)]);
        short.pop();
        assert_eq!(argument(&short, 0, 256), Err(ArgError::Missing));
        assert_eq!(argument(&call(&[]), u16::MAX, 8), Err(ArgError::Missing));
    }

    #[test]
    fn conditions_combine_with_and_and_lists_with_or() {
        let shapes = [
            shape(0, OP_ONE_OF, 160),
            shape(1, OP_LE, 256),
            shape(0, OP_ONE_OF, 160),
        ];
        let values = [word(0xa), word(100), word(0xb)];
        let value = |i: usize| values[i];
        for to in [0xa, 0xb] {
            assert_eq!(
                conditions_hold::<true>(&call(&[word(to), word(100)]), &shapes, value),
                Ok(None)
            );
        }
        assert_eq!(
            conditions_hold::<true>(&call(&[word(0xc), word(1)]), &shapes, value),
            Ok(Some((0, word(0xc))))
        );
        assert_eq!(
            conditions_hold::<true>(&call(&[word(0xb), word(101)]), &shapes, value),
            Ok(Some((1, word(101))))
        );
    }

    #[test]
    fn conditions_on_every_element_hold_for_each() {
        use crate::path::Step;
        // f(address[] to, uint256[] amounts): every `to` is 0xa or 0xb,
        // every amount at most 100; a list on `to` itself is another list.
        let every = Path::pack(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: None,
            },
        ])
        .unwrap();
        let on = |arg, op, bits| Shape {
            path: every,
            ..shape(arg, op, bits)
        };
        let shapes = [
            on(0, OP_ONE_OF, 160),
            on(1, OP_LE, 256),
            on(0, OP_ONE_OF, 160),
            shape(0, OP_ONE_OF, 256),
        ];
        let values = [word(0xa), word(100), word(0xb), word(0x40)];
        let value = |i: usize| values[i];
        let data = |to: &[u64], amounts: &[u64]| {
            let mut words = vec![word(0x40), word(0x60 + 0x20 * to.len() as u64)];
            words.push(word(to.len() as u64));
            words.extend(to.iter().map(|t| word(*t)));
            words.push(word(amounts.len() as u64));
            words.extend(amounts.iter().map(|a| word(*a)));
            call(&words)
        };
        assert_eq!(
            conditions_hold::<true>(&data(&[0xa, 0xb], &[1, 100]), &shapes, value),
            Ok(None)
        );
        assert_eq!(
            conditions_hold::<true>(&data(&[], &[]), &shapes, value),
            Ok(None)
        );
        assert_eq!(
            conditions_hold::<true>(&data(&[0xa, 0xc], &[1, 1]), &shapes, value),
            Ok(Some((0, word(0xc))))
        );
        assert_eq!(
            conditions_hold::<true>(&data(&[0xa], &[1, 2, 101]), &shapes, value),
            Ok(Some((1, word(101))))
        );
        // A dirty element, and a length past the calldata.
        let mut dirty = data(&[0xa], &[1]);
        dirty[4 + 3 * 32] = 1;
        assert!(matches!(
            conditions_hold::<true>(&dirty, &shapes, value),
            Err((0, ArgError::Dirty(_)))
        ));
        let mut long = data(&[0xa], &[1]);
        long[4 + 3 * 32 - 1] = 9;
        assert_eq!(
            conditions_hold::<true>(&long, &shapes, value),
            Err((0, ArgError::Missing))
        );
    }

    #[test]
    fn install_data_round_trips_and_shapes_are_checked() {
        let c = Condition {
            target: Address::repeat_byte(1),
            selector: [1, 2, 3, 4],
            arg: 1,
            op: OP_LE,
            bits: 256,
            value: word(9),
            path: Path::NONE,
        };
        let t = Total {
            target: Address::repeat_byte(1),
            selector: [1, 2, 3, 4],
            arg: 1,
            bits: 256,
            limit: U256::from(1000),
            period: 7 * 86_400,
            path: Path(B256::with_last_byte(1)),
        };
        let data = encode_param_rules(7, &[c, c], &[t]);
        let decoded = ParamRulesInstall::decode(&data).unwrap();
        assert_eq!(decoded.entity_id, 7);
        assert_eq!(decoded.counts(), (2, 1));
        assert_eq!(
            decoded.conditions().collect::<Result<Vec<_>, _>>().unwrap(),
            vec![c, c]
        );
        assert_eq!(
            decoded.totals().collect::<Result<Vec<_>, _>>().unwrap(),
            vec![t]
        );
        assert_eq!(condition_fault(&c), None);
        assert_eq!(
            condition_fault(&Condition { op: 7, ..c }),
            Some(RuleFault::Operator)
        );
        assert_eq!(
            condition_fault(&Condition { bits: 12, ..c }),
            Some(RuleFault::Width)
        );
        assert_eq!(
            condition_fault(&Condition { bits: 0, ..c }),
            Some(RuleFault::Width)
        );
        assert_eq!(
            condition_fault(&Condition {
                bits: 8,
                value: word(256),
                ..c
            }),
            Some(RuleFault::ValueTooWide)
        );
        assert_eq!(
            condition_fault(&Condition {
                selector: [0; 4],
                ..c
            }),
            Some(RuleFault::NoFunction)
        );
        assert_eq!(path_fault(&t.path, true), Some(RuleFault::Path));
        let deref = Path::pack(&[crate::path::Step::Deref]).unwrap();
        assert_eq!(path_fault(&deref, true), None);
        assert_eq!(path_fault(&deref, false), Some(RuleFault::Path));
        assert_eq!(path_fault(&Path::NONE, false), None);
        assert_eq!(total_fault(&t), None);
        assert_eq!(
            total_fault(&Total {
                limit: U256::ZERO,
                ..t
            }),
            Some(RuleFault::Limit)
        );
        assert_eq!(
            total_fault(&Total {
                limit: U256::from(1) << 144,
                ..t
            }),
            Some(RuleFault::Limit)
        );
        assert_eq!(
            total_fault(&Total {
                limit: (U256::from(1) << 144) - U256::from(1),
                ..t
            }),
            None
        );
        // Truncated install data is an error, never a panic.
        for len in 0..data.len() {
            if let Ok(d) = ParamRulesInstall::decode(&data[..len]) {
                let _ = d.conditions().count();
            }
        }
    }
}
