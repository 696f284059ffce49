//! ABI paths: where a word lies inside a call's dynamic arguments, read
//! exactly as Solidity's ABI decoder reads it.
//!
//! A path starts at a call's head word `arg` (after the selector) and takes
//! up to [`MAX_STEPS`] steps, packed as big-endian `u16`s from the first
//! byte of a `bytes32` and ended by a zero step:
//!
//! | step | meaning |
//! |---|---|
//! | `0x1000 + k` | `FIELD k`: `k` words further into the current head |
//! | `0x2000` | `DEREF`: follow the offset here (a dynamic tuple, array or `bytes`) |
//! | `0x3000 + s`, then `i + 1` | `INDEX`: a length-prefixed array of `s`-word elements, its element `i` (`0xffff`: every element) |
//! | `0x4000 + n` | `BYTES`: the `bytes` here holds an ABI encoding after `n` bytes (4 for a call's selector) |
//!
//! An offset is resolved against the start of the tuple (or array body)
//! that holds it, as the decoder does; so a hostile offset, aliasing or
//! pointing anywhere, reads the word the callee will read. A path that
//! leaves the calldata (or the `bytes` it entered), an offset or length
//! of 2^64 or more (the decoder reverts on those), an array whose elements
//! do not fit, or an index past the length, locates nothing: the rule
//! refuses the call ([`ArgError::Missing`](crate::params::ArgError)).
//!
//! One path may hold one "every element" index. A condition must then hold
//! for every element (an empty array passes), and a total sums them all.

use crate::abi::WORD;
use crate::B256;

/// Steps one path holds.
pub const MAX_STEPS: usize = 16;
/// `FIELD k`: `STEP_FIELD + k`.
pub const STEP_FIELD: u16 = 0x1000;
/// `DEREF`.
pub const STEP_DEREF: u16 = 0x2000;
/// `INDEX` of `s`-word elements: `STEP_INDEX + s`, then element `i`'s
/// index step `i + 1` (never zero, which ends a path).
pub const STEP_INDEX: u16 = 0x3000;
/// `BYTES` skipping `n` bytes: `STEP_BYTES + n`.
pub const STEP_BYTES: u16 = 0x4000;
/// The index step meaning every element (so `i` is below `0xfffe`).
pub const EVERY: u16 = 0xffff;
/// The largest operand of a `FIELD`, `INDEX` or `BYTES` step.
pub const MAX_OPERAND: u16 = 0x0fff;

/// One decoded step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Words further into the current head.
    Field(u16),
    /// Follow the offset here.
    Deref,
    /// An array of elements of `stride` words, and its element `index`
    /// (`None`: every element).
    Index {
        /// Words per element.
        stride: u16,
        /// The element, or every one.
        index: Option<u16>,
    },
    /// Enter the `bytes` here, skipping its first bytes.
    Bytes(u16),
}

/// A path as installed: the packed steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Path(pub B256);

impl Path {
    /// The empty path: the head word itself.
    pub const NONE: Self = Self(B256::ZERO);

    /// Whether the path takes no step.
    pub fn is_empty(&self) -> bool {
        self.0 == B256::ZERO
    }

    /// Raw step `i` (zero past the end).
    fn raw(&self, i: usize) -> u16 {
        match (self.0.get(2 * i), self.0.get(2 * i + 1)) {
            (Some(high), Some(low)) => u16::from_be_bytes([*high, *low]),
            _ => 0,
        }
    }

    /// The step at raw position `i` and the position after it: `None` at
    /// the end, or for an unknown step, an index step missing or a zero
    /// stride.
    fn step_at(&self, i: usize) -> Option<(Step, usize)> {
        let raw = self.raw(i);
        let operand = raw & MAX_OPERAND;
        let step = match raw & !MAX_OPERAND {
            STEP_FIELD => Step::Field(operand),
            STEP_DEREF if operand == 0 => Step::Deref,
            STEP_INDEX if operand > 0 => {
                let index = self.raw(i + 1);
                if index == 0 {
                    return None;
                }
                let step = Step::Index {
                    stride: operand,
                    index: (index != EVERY).then(|| index - 1),
                };
                return Some((step, i + 2));
            }
            STEP_BYTES => Step::Bytes(operand),
            _ => return None,
        };
        Some((step, i + 1))
    }

    /// Whether the path is well-formed: known steps, each index step
    /// present, non-zero strides, at most one "every element" index, and
    /// nothing after the end.
    pub fn is_valid(&self) -> bool {
        let (mut i, mut every) = (0, false);
        while self.raw(i) != 0 {
            let Some((step, next)) = self.step_at(i) else {
                return false;
            };
            if let Step::Index { index: None, .. } = step {
                if every {
                    return false;
                }
                every = true;
            }
            i = next;
        }
        (i..MAX_STEPS).all(|j| self.raw(j) == 0)
    }

    /// The steps of a well-formed path.
    pub fn steps(&self) -> Option<alloc::vec::Vec<Step>> {
        if !self.is_valid() {
            return None;
        }
        let mut steps = alloc::vec::Vec::new();
        let mut i = 0;
        while let Some((step, next)) = self.step_at(i) {
            steps.push(step);
            i = next;
        }
        Some(steps)
    }

    /// Packs `steps` (`None` when they do not fit or an operand is too
    /// large).
    pub fn pack(steps: &[Step]) -> Option<Self> {
        let mut raw = alloc::vec::Vec::new();
        for step in steps {
            match *step {
                Step::Field(k) if k <= MAX_OPERAND => raw.push(STEP_FIELD + k),
                Step::Deref => raw.push(STEP_DEREF),
                Step::Index { stride, index } if stride > 0 && stride <= MAX_OPERAND => {
                    raw.push(STEP_INDEX + stride);
                    raw.push(match index {
                        Some(i) if i < EVERY - 1 => i + 1,
                        Some(_) => return None,
                        None => EVERY,
                    });
                }
                Step::Bytes(n) if n <= MAX_OPERAND => raw.push(STEP_BYTES + n),
                _ => return None,
            }
        }
        if raw.len() > MAX_STEPS || raw.contains(&0) {
            return None;
        }
        let mut word = [0u8; WORD];
        for (i, s) in raw.iter().enumerate() {
            word[2 * i..2 * i + 2].copy_from_slice(&s.to_be_bytes());
        }
        let path = Self(B256::from(word));
        path.is_valid().then_some(path)
    }
}

/// Where a walk stands: the start of the encoding offsets resolve against,
/// the current word, and the end of the region it may read.
#[derive(Clone, Copy, Debug)]
struct Cursor {
    base: usize,
    at: usize,
    end: usize,
}

impl Cursor {
    /// The word at the cursor.
    fn word(&self, data: &[u8]) -> Option<[u8; WORD]> {
        let stop = self.at.checked_add(WORD)?;
        if stop > self.end {
            return None;
        }
        data.get(self.at..stop)?.try_into().ok()
    }

    /// The word at the cursor as an offset or a length (below 2^64, and
    /// this machine's address space).
    fn small(&self, data: &[u8]) -> Option<usize> {
        let word = self.word(data)?;
        if word[..24].iter().any(|b| *b != 0) {
            return None;
        }
        usize::try_from(u64::from_be_bytes(word[24..].try_into().ok()?)).ok()
    }

    fn words(at: usize, n: usize) -> Option<usize> {
        at.checked_add(n.checked_mul(WORD)?)
    }
}

/// The words a path locates in one call: one, or one per element of the
/// array its "every element" index names.
#[derive(Clone, Copy, Debug)]
pub struct Located<'d> {
    data: &'d [u8],
    /// Where element 0 (or the one word) begins.
    at: Cursor,
    stride: usize,
    count: usize,
    path: Path,
    /// The raw position of the steps after the "every element" index.
    rest: usize,
}

/// Locates `path` from head word `arg` of `data` (a call's calldata,
/// selector included), or `None` when it locates nothing (see the module
/// docs). The caller checked the path is well-formed ([`Path::is_valid`]).
pub fn locate<'d>(data: &'d [u8], arg: u16, path: &Path) -> Option<Located<'d>> {
    let start = Cursor {
        base: 4,
        at: Cursor::words(4, usize::from(arg))?,
        end: data.len(),
    };
    let (at, stop) = walk(data, start, path, 0)?;
    let (stride, count, at, rest) = match path.step_at(stop) {
        // An "every element" index: the walk stopped at the array.
        Some((Step::Index { stride, .. }, rest)) => {
            let stride = usize::from(stride);
            let (count, body) = array(data, at, stride)?;
            (stride, count, body, rest)
        }
        _ => (0, 1, at, stop),
    };
    Some(Located {
        data,
        at,
        stride,
        count,
        path: *path,
        rest,
    })
}

impl Located<'_> {
    /// How many words: 1, or the array's length.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Word `i` (below [`Located::count`]), or `None` when the rest of the
    /// path locates nothing in element `i`.
    pub fn word(&self, i: usize) -> Option<B256> {
        let element = Cursor {
            at: Cursor::words(self.at.at, i.checked_mul(self.stride)?)?,
            ..self.at
        };
        let (at, stop) = walk(self.data, element, &self.path, self.rest)?;
        if self.path.raw(stop) != 0 {
            // A second "every element" index: not a well-formed path.
            return None;
        }
        at.word(self.data).map(B256::from)
    }
}

/// A length-prefixed array of `stride`-word elements at `at`: its length
/// and its body, whose elements must all lie within the region.
fn array(data: &[u8], at: Cursor, stride: usize) -> Option<(usize, Cursor)> {
    let len = at.small(data)?;
    let body = at.at.checked_add(WORD)?;
    if Cursor::words(body, len.checked_mul(stride)?)? > at.end {
        return None;
    }
    Some((
        len,
        Cursor {
            base: body,
            at: body,
            end: at.end,
        },
    ))
}

/// Takes the steps of `path` from raw position `from`, stopping at the end
/// or before an "every element" index: where it stands, and the raw
/// position it stopped at.
fn walk(data: &[u8], mut at: Cursor, path: &Path, from: usize) -> Option<(Cursor, usize)> {
    let mut i = from;
    while path.raw(i) != 0 {
        let (step, next) = path.step_at(i)?;
        match step {
            Step::Field(k) => at.at = Cursor::words(at.at, usize::from(k))?,
            Step::Deref => {
                let target = at.base.checked_add(at.small(data)?)?;
                at.base = target;
                at.at = target;
            }
            Step::Index { index: None, .. } => return Some((at, i)),
            Step::Index {
                stride,
                index: Some(index),
            } => {
                let stride = usize::from(stride);
                let (len, body) = array(data, at, stride)?;
                if usize::from(index) >= len {
                    return None;
                }
                at = Cursor {
                    at: Cursor::words(body.at, usize::from(index).checked_mul(stride)?)?,
                    ..body
                };
            }
            Step::Bytes(skip) => {
                let len = at.small(data)?;
                let body = at.at.checked_add(WORD)?;
                let end = body.checked_add(len)?;
                let base = body.checked_add(usize::from(skip))?;
                if end > at.end || base > end {
                    return None;
                }
                at = Cursor {
                    base,
                    at: base,
                    end,
                };
            }
        }
        i = next;
    }
    Some((at, i))
}

#[cfg(test)]
mod tests {
    use alloc::vec;
    use alloc::vec::Vec;

    use super::*;
    use crate::U256;

    fn word(v: u64) -> [u8; 32] {
        U256::from(v).to_be_bytes::<32>()
    }

    fn call(words: &[[u8; 32]]) -> Vec<u8> {
        let mut data = vec![0x12, 0x34, 0x56, 0x78];
        for w in words {
            data.extend_from_slice(w);
        }
        data
    }

    fn path(steps: &[Step]) -> Path {
        Path::pack(steps).unwrap()
    }

    fn all(data: &[u8], arg: u16, p: &Path) -> Option<Vec<u64>> {
        let located = locate(data, arg, p)?;
        (0..located.count())
            .map(|i| {
                located
                    .word(i)
                    .map(|w| U256::from_be_bytes(w.0).to::<u64>())
            })
            .collect()
    }

    const ITEM: Step = Step::Index {
        stride: 2,
        index: None,
    };

    /// `f(uint256 x, (address to, uint256 amount)[] items)` with items
    /// `[(0xa, 10), (0xb, 20)]`.
    fn items() -> Vec<u8> {
        call(&[
            word(7),
            word(0x40),
            word(2),
            word(0xa),
            word(10),
            word(0xb),
            word(20),
        ])
    }

    #[test]
    fn paths_pack_and_unpack() {
        let steps = [
            Step::Field(3),
            Step::Deref,
            Step::Index {
                stride: 2,
                index: Some(1),
            },
            Step::Bytes(4),
            ITEM,
        ];
        assert_eq!(path(&steps).steps().unwrap(), steps);
        assert!(Path::NONE.is_empty() && Path::NONE.steps().unwrap().is_empty());
        // Malformed: unknown kinds, a missing index, a zero stride, two
        // "every element" indices, steps after the end, too many steps.
        let raw = |steps: &[u16]| {
            let mut w = [0u8; 32];
            for (i, s) in steps.iter().enumerate() {
                w[2 * i..2 * i + 2].copy_from_slice(&s.to_be_bytes());
            }
            Path(B256::from(w))
        };
        for bad in [
            raw(&[0x5000]),
            raw(&[STEP_DEREF + 1]),
            raw(&[STEP_INDEX + 1]),
            raw(&[STEP_INDEX, 1]),
            raw(&[STEP_INDEX + 1, EVERY, STEP_INDEX + 1, EVERY]),
            raw(&[STEP_DEREF, 0, STEP_DEREF]),
        ] {
            // The install refuses it, so no rule ever walks it.
            assert!(!bad.is_valid() && bad.steps().is_none(), "{bad:?}");
        }
        assert!(Path::pack(&[Step::Deref; MAX_STEPS + 1]).is_none());
        assert!(Path::pack(&[ITEM, ITEM]).is_none());
        assert!(Path::pack(&[Step::Field(MAX_OPERAND + 1)]).is_none());
    }

    #[test]
    fn array_elements_are_found_one_or_every() {
        let data = items();
        let amount = |i| {
            path(&[
                Step::Deref,
                Step::Index {
                    stride: 2,
                    index: Some(i),
                },
                Step::Field(1),
            ])
        };
        assert_eq!(all(&data, 1, &amount(0)), Some(vec![10]));
        assert_eq!(all(&data, 1, &amount(1)), Some(vec![20]));
        assert_eq!(all(&data, 1, &amount(2)), None, "past the length");
        let every_amount = path(&[Step::Deref, ITEM, Step::Field(1)]);
        assert_eq!(all(&data, 1, &every_amount), Some(vec![10, 20]));
        let every_to = path(&[Step::Deref, ITEM]);
        assert_eq!(all(&data, 1, &every_to), Some(vec![0xa, 0xb]));
        // An empty array locates no word.
        let empty = call(&[word(7), word(0x40), word(0)]);
        assert_eq!(all(&empty, 1, &every_amount), Some(vec![]));
        assert_eq!(all(&data, 0, &Path::NONE), Some(vec![7]));
    }

    #[test]
    fn dynamic_tuples_and_nested_calls_resolve_against_their_own_start() {
        // g((bytes path, address recipient, uint256 amount) params): the
        // tuple at 0x20, its `path` offset relative to the tuple.
        let data = call(&[
            word(0x20),
            word(0x60),
            word(0xb0b),
            word(99),
            word(3),
            word(0xabcdef),
        ]);
        let recipient = path(&[Step::Deref, Step::Field(1)]);
        assert_eq!(all(&data, 0, &recipient), Some(vec![0xb0b]));
        // execute(address to, uint256 value, bytes data) with data =
        // transfer(0xca401, 42): the inner offsets start after its selector.
        let mut inner = vec![0xa9, 0x05, 0x9c, 0xbb];
        inner.extend_from_slice(&word(0xca401));
        inner.extend_from_slice(&word(42));
        let mut data = call(&[word(0x70), word(0), word(0x60), word(inner.len() as u64)]);
        data.extend_from_slice(&inner);
        data.extend_from_slice(&[0; 28]);
        let amount = path(&[Step::Deref, Step::Bytes(4), Step::Field(1)]);
        assert_eq!(all(&data, 2, &amount), Some(vec![42]));
        // The word after the inner call is padding outside its bytes.
        let past = path(&[Step::Deref, Step::Bytes(4), Step::Field(2)]);
        assert_eq!(all(&data, 2, &past), None);
        let skip_too_far = path(&[Step::Deref, Step::Bytes(MAX_OPERAND)]);
        assert_eq!(all(&data, 2, &skip_too_far), None);
    }

    #[test]
    fn attack_hostile_offsets_read_what_the_decoder_reads() {
        // Two arrays sharing one body (aliased offsets): both read it.
        let data = call(&[word(0x40), word(0x40), word(1), word(5)]);
        let first = path(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: Some(0),
            },
        ]);
        assert_eq!(all(&data, 0, &first), Some(vec![5]));
        assert_eq!(all(&data, 1, &first), Some(vec![5]));
        // An offset pointing back into the head: the decoder reads the
        // head words as the array, and so does the path.
        let data = call(&[word(0x20), word(1), word(9)]);
        let every = path(&[
            Step::Deref,
            Step::Index {
                stride: 1,
                index: None,
            },
        ]);
        assert_eq!(all(&data, 0, &every), Some(vec![9]));
        // Offsets and lengths of 2^64 or more, or past the end, locate
        // nothing; so does a length whose elements do not fit.
        let mut huge = word(0);
        huge[23] = 1;
        for data in [
            call(&[huge]),
            call(&[word(0x1000)]),
            call(&[word(0x20), huge]),
            call(&[word(0x20), word(3), word(1), word(2)]),
            call(&[word(u64::MAX)]),
        ] {
            assert_eq!(all(&data, 0, &path(&[Step::Deref, ITEM])), None);
        }
        // A length that would overflow the element arithmetic.
        let data = call(&[word(0x20), word(u64::MAX / 2)]);
        let wide = path(&[
            Step::Deref,
            Step::Index {
                stride: MAX_OPERAND,
                index: None,
            },
        ]);
        assert_eq!(all(&data, 0, &wide), None);
        // A bytes whose length runs past the calldata.
        let data = call(&[word(0x20), word(64), word(1)]);
        assert_eq!(all(&data, 0, &path(&[Step::Deref, Step::Bytes(0)])), None);
        // Truncated calldata never panics.
        let full = items();
        let every_amount = path(&[Step::Deref, ITEM, Step::Field(1)]);
        for len in 0..full.len() {
            let _ = all(&full[..len], 1, &every_amount);
        }
    }
}
