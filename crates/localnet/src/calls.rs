//! What nested calls and creations cost a Stylus program.
//!
//! The rules are Nitro's (N `arbos/programs/api.go`, `doCall` and `create`;
//! G `core/vm/operations_acl_arbitrum.go`, `WasmCallCost`):
//!
//! - **Call base cost**: 100, plus 2,500 if the target is cold (it is warmed
//!   even when the call then fails), plus, when value is sent, 25,000 if the
//!   target is empty and 9,000 for the transfer. A base cost above the gas
//!   left fails the call and costs all the gas left.
//! - **Gas given to the child**: `min(requested, (gas_left - base) * 63 / 64)`,
//!   plus the 2,300 stipend when value is sent.
//! - **Creation base cost**: 32,000, plus 6 per word of init code for
//!   CREATE2. The child gets `(gas_left - base)` minus a 64th of it.
//! - **What the program pays**: the base cost plus what the child used,
//!   `given - returned`, where a child that halts returns nothing and one
//!   that succeeds or reverts returns its unused gas (stipend included).

/// Static cost of any call (EIP-2929 warm access).
pub const WARM_ACCESS: u64 = 100;
/// Extra cost of a cold target (EIP-2929: 2,600 - 100).
pub const COLD_ACCOUNT_EXTRA: u64 = 2_500;
/// Extra cost of a call that sends value.
pub const CALL_VALUE: u64 = 9_000;
/// Extra cost of sending value to an empty account.
pub const NEW_ACCOUNT: u64 = 25_000;
/// Gas added to the child of a call that sends value.
pub const CALL_STIPEND: u64 = 2_300;
/// Static cost of CREATE and CREATE2.
pub const CREATE_GAS: u64 = 32_000;
/// CREATE2's hashing cost per word of init code.
pub const KECCAK_WORD_GAS: u64 = 6;

/// A call's base cost, `None` if it exceeds `gas_left` (then the call
/// fails and costs all of `gas_left`).
pub fn call_base_cost(
    gas_left: u64,
    cold: bool,
    transfers_value: bool,
    target_empty: bool,
) -> Option<u64> {
    let mut total = WARM_ACCESS;
    if cold {
        total += COLD_ACCOUNT_EXTRA;
    }
    if transfers_value {
        if target_empty {
            total += NEW_ACCOUNT;
        }
        total += CALL_VALUE;
    }
    (total <= gas_left).then_some(total)
}

/// Gas given to a called child: all but a 64th of what is left after the
/// base cost (rounded down, as Nitro's `* 63 / 64`), capped at `requested`,
/// plus the stipend when value is sent.
pub fn call_child_gas(gas_left: u64, base: u64, requested: u64, transfers_value: bool) -> u64 {
    let available = gas_left.saturating_sub(base);
    let cap = (u128::from(available) * 63 / 64) as u64;
    let gas = requested.min(cap);
    if transfers_value {
        gas.saturating_add(CALL_STIPEND)
    } else {
        gas
    }
}

/// A creation's base cost.
pub fn create_base_cost(init_code_len: usize, create2: bool) -> u64 {
    if create2 {
        let words = (init_code_len as u64).div_ceil(32);
        CREATE_GAS.saturating_add(words.saturating_mul(KECCAK_WORD_GAS))
    } else {
        CREATE_GAS
    }
}

/// Gas given to a created child: what is left after the base cost minus a
/// 64th of it; `None` if the base cost cannot be paid.
pub fn create_child_gas(gas_left: u64, base: u64) -> Option<u64> {
    let gas = gas_left.checked_sub(base)?;
    Some(gas - gas / 64)
}

/// What a nested call or creation cost the program: its base cost plus the
/// gas the child used.
pub fn sub_call_cost(base: u64, given: u64, returned: u64) -> u64 {
    base.saturating_add(given.saturating_sub(returned))
}

/// EVM memory expansion cost for `len` bytes (3 per word plus words²/512).
/// Since ArbOS 31 a program's return data must cost at least this much.
pub fn evm_memory_cost(len: usize) -> u64 {
    let words = (len as u64).div_ceil(32);
    words
        .saturating_mul(3)
        .saturating_add(words.saturating_mul(words) / 512)
}
