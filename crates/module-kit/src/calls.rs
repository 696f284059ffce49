//! Calls out of a program through the host's raw call functions, returning
//! `Ok(return data)` or `Err(revert data)`.

use alloc::vec::Vec;
use permission_core::{Address, U256};
use stylus_sdk::stylus_core::Host;

/// A call with `value`. The storage cache is flushed and cleared first, since
/// the callee may call back into the program.
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

/// A static call with a gas cap. It leaves the storage cache alone: the
/// callee cannot write, and a caller that has pending writes a callee
/// might read flushes them itself.
pub fn static_call<H: Host>(
    host: &H,
    to: Address,
    data: &[u8],
    gas: u64,
) -> Result<Vec<u8>, Vec<u8>> {
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
