//! Calls out of the account. The storage cache is flushed and cleared
//! before each call, since the callee may call back into the account.

use alloc::vec::Vec;
use module_kit::Host;
use permission_core::{Address, U256};

/// Gas meaning "all that may be given" (the host applies the 63/64 rule).
pub const ALL_GAS: u64 = u64::MAX;

/// A call; `Ok(return data)` or `Err(revert data)`.
pub fn call<H: Host>(
    host: &H,
    to: Address,
    value: U256,
    data: &[u8],
    gas: u64,
) -> Result<Vec<u8>, Vec<u8>> {
    host.flush_cache(true);
    let value = value.to_be_bytes::<32>();
    let mut len = 0usize;
    // SAFETY: every pointer is valid for its length during the call.
    let status = unsafe {
        host.call_contract(
            to.as_ptr(),
            data.as_ptr(),
            data.len(),
            value.as_ptr(),
            gas,
            &mut len,
        )
    };
    let output = host.read_return_data(0, Some(len));
    if status == 0 {
        Ok(output)
    } else {
        Err(output)
    }
}

/// A static call with a gas cap; `Ok(return data)` or `Err(revert data)`.
pub fn static_call<H: Host>(
    host: &H,
    to: Address,
    data: &[u8],
    gas: u64,
) -> Result<Vec<u8>, Vec<u8>> {
    host.flush_cache(true);
    let mut len = 0usize;
    // SAFETY: every pointer is valid for its length during the call.
    let status =
        unsafe { host.static_call_contract(to.as_ptr(), data.as_ptr(), data.len(), gas, &mut len) };
    let output = host.read_return_data(0, Some(len));
    if status == 0 {
        Ok(output)
    } else {
        Err(output)
    }
}
