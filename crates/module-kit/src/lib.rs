//! Contract-side building blocks shared by the permission modules.
//!
//! Each module is a Stylus program with a hand-written router over
//! [`permission_core`]'s bounds-checked ABI reader, rather than the SDK's
//! `#[public]` router: that router and its general ABI decoder are most of a
//! 50 KB module, and every hook call pays for code size at entry (see
//! `shared/design/stylus-execution.md`). The pieces here:
//!
//! - [`errors`]: the custom errors every module shares, ABI-encoded;
//! - [`scope`]: storage keyed by (account, hook entityId, install
//!   generation), with the O(1) uninstall that makes old state unreachable;
//! - [`set`]: an enumerable set of 32-byte keys inside a scope;
//! - [`router`]: decoding helpers and the `IModule`/`IERC165` functions;
//! - [`events`]: event emission;
//! - [`policy`]: permission rules composed at compile time into one
//!   session-policy program.
//!
//! Every function is generic over [`stylus_sdk::stylus_core::Host`], so the
//! same code runs on chain and on the SDK's `TestVM` in native tests.
#![cfg_attr(not(feature = "testing"), no_std)]
#![warn(missing_docs)]

extern crate alloc;

#[cfg(feature = "testing")]
pub mod as_policy_rule;
pub mod calls;
#[cfg(feature = "testing")]
pub mod chain;
pub mod errors;
pub mod events;
pub mod policy;
pub mod router;
pub mod scope;
pub mod set;
#[cfg(feature = "testing")]
pub mod testing;
pub mod validation;

pub use stylus_sdk::stylus_core::Host;

/// What a module function returns: ABI-encoded output, or revert data.
pub type Output = Result<alloc::vec::Vec<u8>, alloc::vec::Vec<u8>>;

/// Declares the program's entrypoint for a [`router::PermissionModule`]
/// (every call goes through [`router::route`]), or with `validation` before
/// the type, for a [`validation::ValidationModule`]
/// ([`validation::route_validation`]). Only on wasm32, where the SDK exports
/// `user_entrypoint`; the calling crate must depend on `stylus-sdk`.
#[macro_export]
macro_rules! entrypoint {
    (validation $module:ty) => {
        #[cfg(target_arch = "wasm32")]
        mod entrypoint {
            use stylus_sdk::prelude::*;

            #[entrypoint]
            fn user_main(
                input: alloc::vec::Vec<u8>,
                vm: stylus_sdk::host::VM,
            ) -> stylus_sdk::ArbResult {
                $crate::validation::route_validation::<_, $module>(&vm, &input)
            }
        }
    };
    ($module:ty) => {
        #[cfg(target_arch = "wasm32")]
        mod entrypoint {
            use stylus_sdk::prelude::*;

            #[entrypoint]
            fn user_main(
                input: alloc::vec::Vec<u8>,
                vm: stylus_sdk::host::VM,
            ) -> stylus_sdk::ArbResult {
                $crate::router::route::<_, $module>(&vm, &input)
            }
        }
    };
}
