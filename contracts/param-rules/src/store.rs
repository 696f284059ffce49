//! The rules of one key in its scope, and their check.
//!
//! Per function, under the key `target ‖ selector ‖ index`:
//! - tag `base`: the header word, `[conditions][totals]` then each
//!   condition's shape (`arg` u16, `op` u8, `bits` u16) at `2 + 5·i`;
//! - tag `base + 1`, index `i`: condition `i`'s value;
//! - tag `base + 2`, index `j`: total `j`'s shape and limit (`arg` u16,
//!   `bits` u16, then the limit in the low 224 bits);
//! - tag `base + 3`, index `j`: what total `j` has summed so far.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::events::emit_account_event;
use module_kit::scope::Scope;
use module_kit::Host;
use permission_core::abi::AbiWriter;
use permission_core::calls::Call;
use permission_core::params::{
    argument, condition_fault, conditions_hold, total_fault, ArgError, Condition,
    ParamRulesInstall, RuleFault, Shape, Total, MAX_CONDITIONS, MAX_TOTALS,
};
use permission_core::{Address, B256, U256};

use crate::{
    DIRTY_PARAM, INVALID_PARAM_RULE, MISSING_PARAM, PARAM_NOT_ALLOWED, PARAM_RULES_SET,
    PARAM_TOTAL_EXCEEDED,
};

/// A total's key and what it would sum to, until committed.
pub type Pending = ([u8; 32], U256);

/// The rules of one (account, entityId), at tags `base..base + 4`.
pub struct ParamRules<'s, 'h, H: Host> {
    scope: &'s Scope<'h, H>,
    base: u8,
}

fn key(target: Address, selector: [u8; 4], index: u8) -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..20].copy_from_slice(target.as_slice());
    key[20..24].copy_from_slice(&selector);
    key[31] = index;
    key
}

/// One function's header word.
#[derive(Clone, Copy, Default)]
struct Header([u8; 32]);

impl Header {
    fn conditions(&self) -> usize {
        usize::from(self.0[0])
    }

    fn totals(&self) -> usize {
        usize::from(self.0[1])
    }

    fn shape(&self, i: usize) -> Shape {
        let at = 2 + 5 * i;
        Shape {
            arg: u16::from_be_bytes([self.0[at], self.0[at + 1]]),
            op: self.0[at + 2],
            bits: u16::from_be_bytes([self.0[at + 3], self.0[at + 4]]),
        }
    }

    /// Appends a shape; the caller checked there is room.
    fn push(&mut self, shape: Shape) {
        let at = 2 + 5 * self.conditions();
        self.0[at..at + 2].copy_from_slice(&shape.arg.to_be_bytes());
        self.0[at + 2] = shape.op;
        self.0[at + 3..at + 5].copy_from_slice(&shape.bits.to_be_bytes());
        self.0[0] += 1;
    }
}

fn invalid(index: usize, fault: RuleFault) -> Vec<u8> {
    AbiWriter::new(2)
        .uint(index as u64)
        .uint(fault as u64)
        .finish_with_selector(INVALID_PARAM_RULE)
}

/// A total's stored word: its shape and its limit (below 2^224).
fn total_word(total: &Total) -> B256 {
    let mut word = total.limit.to_be_bytes::<32>();
    word[..2].copy_from_slice(&total.arg.to_be_bytes());
    word[2..4].copy_from_slice(&total.bits.to_be_bytes());
    B256::from(word)
}

fn total_of(word: &B256) -> (u16, u16, U256) {
    let mut limit = word.0;
    limit[..4].fill(0);
    (
        u16::from_be_bytes([word[0], word[1]]),
        u16::from_be_bytes([word[2], word[3]]),
        U256::from_be_bytes(limit),
    )
}

/// Checks every entry of `install`, refusing the first bad one with
/// `InvalidParamRule`, before anything is written.
pub fn check_install(install: &ParamRulesInstall<'_>) -> Result<(), Vec<u8>> {
    let conditions: Vec<Condition> = install.conditions().collect::<Result<_, _>>().or_revert()?;
    let totals: Vec<Total> = install.totals().collect::<Result<_, _>>().or_revert()?;
    for (i, c) in conditions.iter().enumerate() {
        let same = conditions[..i]
            .iter()
            .filter(|o| (o.target, o.selector) == (c.target, c.selector))
            .count();
        let fault = condition_fault(c).or((same >= MAX_CONDITIONS).then_some(RuleFault::TooMany));
        if let Some(fault) = fault {
            return Err(invalid(i, fault));
        }
    }
    for (j, t) in totals.iter().enumerate() {
        let earlier = &totals[..j];
        let same = earlier
            .iter()
            .filter(|o| (o.target, o.selector) == (t.target, t.selector))
            .count();
        let fault = total_fault(t)
            .or((same >= MAX_TOTALS).then_some(RuleFault::TooMany))
            .or(earlier
                .iter()
                .any(|o| (o.target, o.selector, o.arg) == (t.target, t.selector, t.arg))
                .then_some(RuleFault::Limit));
        if let Some(fault) = fault {
            return Err(invalid(conditions.len() + j, fault));
        }
    }
    Ok(())
}

impl<'s, 'h, H: Host> ParamRules<'s, 'h, H> {
    /// The rules at tags `base..base + 4` of `scope`.
    pub fn new(scope: &'s Scope<'h, H>, base: u8) -> Self {
        Self { scope, base }
    }

    fn header(&self, target: Address, selector: [u8; 4]) -> Header {
        Header(self.scope.read(self.base, &key(target, selector, 0)).0)
    }

    fn set_header(&self, target: Address, selector: [u8; 4], header: Header) {
        self.scope
            .write(self.base, &key(target, selector, 0), B256::from(header.0));
    }

    /// Stores install data that [`check_install`] has passed (its caller
    /// checks first, before the scope's own install write) and emits
    /// `ParamRulesSet`.
    pub fn install(&self, install: &ParamRulesInstall<'_>) -> Result<(), Vec<u8>> {
        for c in install.conditions() {
            let c = c.or_revert()?;
            let mut header = self.header(c.target, c.selector);
            let index = header.conditions() as u8;
            self.scope
                .write(self.base + 1, &key(c.target, c.selector, index), c.value);
            header.push(Shape {
                arg: c.arg,
                op: c.op,
                bits: c.bits,
            });
            self.set_header(c.target, c.selector, header);
        }
        for t in install.totals() {
            let t = t.or_revert()?;
            let mut header = self.header(t.target, t.selector);
            let index = header.0[1];
            self.scope.write(
                self.base + 2,
                &key(t.target, t.selector, index),
                total_word(&t),
            );
            header.0[1] += 1;
            self.set_header(t.target, t.selector, header);
        }
        let (conditions, totals) = install.counts();
        emit_account_event(
            self.scope.host(),
            PARAM_RULES_SET,
            self.scope.account,
            self.scope.entity_id,
            &AbiWriter::new(2)
                .uint(conditions as u64)
                .uint(totals as u64)
                .finish(),
        );
        Ok(())
    }

    /// Writes the totals [`ParamRules::check_call`] charged, once every
    /// call of the operation passed (a refusal writes nothing).
    pub fn commit(&self, pending: &[Pending]) {
        for (key, total) in pending {
            self.scope
                .write(self.base + 3, key, B256::from(total.to_be_bytes::<32>()));
        }
    }

    /// Judges one call: every condition of its function, then its totals,
    /// charged into `pending` (earlier calls of the same operation
    /// included) for [`ParamRules::commit`].
    pub fn check_call(&self, call: &Call<'_>, pending: &mut Vec<Pending>) -> Result<(), Vec<u8>> {
        let Some(selector) = call.selector().or_revert()? else {
            return Ok(());
        };
        let header = self.header(call.target, selector);
        let shapes: Vec<Shape> = (0..header.conditions()).map(|i| header.shape(i)).collect();
        let value = |i: usize| {
            self.scope
                .read(self.base + 1, &key(call.target, selector, i as u8))
        };
        let read_error = |(arg, error): (u16, ArgError)| match error {
            ArgError::Missing => AbiWriter::new(1)
                .uint(arg.into())
                .finish_with_selector(MISSING_PARAM),
            ArgError::Dirty(word) => AbiWriter::new(2)
                .uint(arg.into())
                .word(word.0)
                .finish_with_selector(DIRTY_PARAM),
        };
        if let Some((i, arg)) = conditions_hold(call.data, &shapes, value).map_err(read_error)? {
            return Err(AbiWriter::new(4)
                .address(call.target)
                .bytes4(selector)
                .uint(shapes[i].arg.into())
                .word(arg.0)
                .finish_with_selector(PARAM_NOT_ALLOWED));
        }
        for j in 0..header.totals() {
            let limit_key = key(call.target, selector, j as u8);
            let (arg, bits, limit) = total_of(&self.scope.read(self.base + 2, &limit_key));
            let amount = argument(call.data, arg, bits).map_err(|e| read_error((arg, e)))?;
            let earlier = pending.iter().position(|(k, _)| *k == limit_key);
            let spent = match earlier {
                Some(i) => pending[i].1,
                None => U256::from_be_bytes(self.scope.read(self.base + 3, &limit_key).0),
            };
            let total = spent.saturating_add(U256::from_be_bytes(amount.0));
            if total > limit {
                return Err(AbiWriter::new(5)
                    .address(call.target)
                    .bytes4(selector)
                    .uint(arg.into())
                    .u256(total)
                    .u256(limit)
                    .finish_with_selector(PARAM_TOTAL_EXCEEDED));
            }
            match earlier {
                Some(i) => pending[i].1 = total,
                None => pending.push((limit_key, total)),
            }
        }
        Ok(())
    }

    /// The `getParamTotal` answer for `arg` of `target.selector`: what it
    /// has summed and its limit (zeros when there is no such total).
    pub fn view_total(
        &self,
        installed: bool,
        target: Address,
        selector: [u8; 4],
        arg: u16,
    ) -> Vec<u8> {
        let header = self.header(target, selector);
        let mut answer = (U256::ZERO, U256::ZERO);
        if installed {
            for j in 0..header.totals() {
                let limit_key = key(target, selector, j as u8);
                let (total_arg, _, limit) = total_of(&self.scope.read(self.base + 2, &limit_key));
                if total_arg == arg {
                    let spent = U256::from_be_bytes(self.scope.read(self.base + 3, &limit_key).0);
                    answer = (spent, limit);
                }
            }
        }
        AbiWriter::new(3)
            .bool(installed)
            .u256(answer.0)
            .u256(answer.1)
            .finish()
    }
}
