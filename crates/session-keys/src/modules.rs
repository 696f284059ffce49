//! [`Modules`]: where the session-key modules live on a chain.

use alloy_primitives::Address;
use localnet::{contract_code_path, Localnet};
use serde::{Deserialize, Serialize};

/// The build names of the modules, in [`Modules::all`] order.
pub const MODULE_NAMES: [&str; 10] = [
    "session-signer",
    "selector-allowlist",
    "time-window",
    "spending-limit",
    "contract-allowlist",
    "session-policy",
    "usage-limit",
    "session-rules",
    "paymaster-guard",
    "param-rules",
];

/// The addresses of the session-key modules on one chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Modules {
    /// The session-key validation module.
    pub session_signer: Address,
    /// `(target, selector)` rules.
    pub selector_allowlist: Address,
    /// `[validAfter, validUntil]`.
    pub time_window: Address,
    /// Token limits and a gas budget.
    pub spending_limit: Address,
    /// Allowed targets.
    pub contract_allowlist: Address,
    /// A key's whole policy in one hook (the four rules above).
    pub session_policy: Address,
    /// How many operations or calls a key may make.
    pub usage_limit: Address,
    /// The rules that do not fit in the session policy's program (the
    /// usage limit, the paymaster guard), in one hook installed beside it.
    pub session_rules: Address,
    /// Which paymasters may pay for a key's operations.
    pub paymaster_guard: Address,
    /// Conditions on a key's call arguments, and running totals.
    pub param_rules: Address,
}

impl Modules {
    /// Placeholder addresses (0x51…, 0x52…, …), for unit tests that only
    /// encode.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        Self {
            session_signer: Address::repeat_byte(0x51),
            selector_allowlist: Address::repeat_byte(0x52),
            time_window: Address::repeat_byte(0x53),
            spending_limit: Address::repeat_byte(0x54),
            contract_allowlist: Address::repeat_byte(0x55),
            session_policy: Address::repeat_byte(0x56),
            usage_limit: Address::repeat_byte(0x57),
            session_rules: Address::repeat_byte(0x58),
            paymaster_guard: Address::repeat_byte(0x59),
            param_rules: Address::repeat_byte(0x5a),
        }
    }

    /// Deploys and activates every module on `net` from
    /// `target/stylus/*.code` (plain CREATE, uncached); panics if a build
    /// output is missing.
    #[track_caller]
    pub fn deploy(net: &mut Localnet) -> Self {
        let mut deploy = |name: &str| net.deploy_stylus_file(contract_code_path(name));
        Self {
            session_signer: deploy("session-signer"),
            selector_allowlist: deploy("selector-allowlist"),
            time_window: deploy("time-window"),
            spending_limit: deploy("spending-limit"),
            contract_allowlist: deploy("contract-allowlist"),
            session_policy: deploy("session-policy"),
            usage_limit: deploy("usage-limit"),
            session_rules: deploy("session-rules"),
            paymaster_guard: deploy("paymaster-guard"),
            param_rules: deploy("param-rules"),
        }
    }

    /// Every module's address, in [`MODULE_NAMES`] order.
    pub fn all(&self) -> [Address; 10] {
        [
            self.session_signer,
            self.selector_allowlist,
            self.time_window,
            self.spending_limit,
            self.contract_allowlist,
            self.session_policy,
            self.usage_limit,
            self.session_rules,
            self.paymaster_guard,
            self.param_rules,
        ]
    }

    /// `(build name, address)` of every module.
    pub fn named(&self) -> [(&'static str, Address); 10] {
        let all = self.all();
        std::array::from_fn(|i| (MODULE_NAMES[i], all[i]))
    }

    /// The build name of the module at `address`, if it is one of these.
    pub fn name_of(&self, address: Address) -> Option<&'static str> {
        self.named()
            .into_iter()
            .find(|(_, a)| *a == address)
            .map(|(n, _)| n)
    }

    /// The modules from `(build name, address)` pairs; `None` if one is
    /// missing.
    pub fn from_named<'a>(pairs: impl IntoIterator<Item = (&'a str, Address)>) -> Option<Self> {
        let mut found: [Option<Address>; 10] = [None; 10];
        for (name, address) in pairs {
            if let Some(i) = MODULE_NAMES.iter().position(|n| *n == name) {
                found[i] = Some(address);
            }
        }
        Some(Self {
            session_signer: found[0]?,
            selector_allowlist: found[1]?,
            time_window: found[2]?,
            spending_limit: found[3]?,
            contract_allowlist: found[4]?,
            session_policy: found[5]?,
            usage_limit: found[6]?,
            session_rules: found[7]?,
            paymaster_guard: found[8]?,
            param_rules: found[9]?,
        })
    }
}
