//! Calls out of the account. The storage cache is flushed and cleared
//! before each call, static ones included, since the callee may call back
//! into the account or read its state.

use alloc::vec::Vec;
use module_kit::Host;
use permission_core::Address;

pub use module_kit::calls::call;

/// Gas meaning "all that may be given" (the host applies the 63/64 rule).
pub const ALL_GAS: u64 = u64::MAX;

/// A static call with a gas cap, after flushing the storage cache.
pub fn static_call<H: Host>(
    host: &H,
    to: Address,
    data: &[u8],
    gas: u64,
) -> Result<Vec<u8>, Vec<u8>> {
    host.flush_cache(true);
    module_kit::calls::static_call(host, to, data, gas)
}
