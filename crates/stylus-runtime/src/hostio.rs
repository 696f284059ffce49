//! The 42 `vm_hooks` host functions, priced as Nitro prices them
//! (`crates/wasm-libraries/user-host-trait/lib.rs`).
//!
//! Each function first buys its base ink, then checks the gas its worst
//! case needs (`require_gas`), reads its arguments from the program's
//! memory, asks the [`World`] for state, buys the gas the world reports, and
//! writes its results back. An out-of-bounds pointer fails the program;
//! running out of ink or gas ends it with all gas consumed.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use stylus_artifact::HOST_FUNCTIONS;
use wasmi::Val;

use crate::execution::{Escape, Execution, HostTrap, Pending, Served};
use crate::pricing::*;
use crate::world::{CallKind, Step, SubCall, SubCreate, SubResult, World, WorldError};

type HostResult<T> = Result<T, Escape>;

/// The status `call_contract` returns for a failed call (Nitro's
/// `UserOutcomeKind::Failure`).
const CALL_FAILED: i32 = 2;

impl From<WorldError> for Escape {
    fn from(error: WorldError) -> Self {
        match error {
            WorldError::OutOfGas => Escape::OutOfInk,
            WorldError::WriteProtection => Escape::Failure("write protection".into()),
            WorldError::Fatal => Escape::Failure("database error".into()),
        }
    }
}

/// Reads argument `i` as a u32 (pointers and lengths).
fn arg32(args: &[i64], i: usize) -> u32 {
    args.get(i).copied().unwrap_or(0) as u32
}

impl Execution {
    // ---------------------------------------------------------------- meter

    fn buy_ink(&mut self, ink: u64) -> HostResult<()> {
        let left = self.ink();
        if left < ink {
            return Err(Escape::OutOfInk);
        }
        self.set_ink(left - ink);
        Ok(())
    }

    fn buy_gas(&mut self, gas: u64) -> HostResult<()> {
        self.buy_ink(gas.saturating_mul(INK_PRICE))
    }

    fn require_gas(&self, gas: u64) -> HostResult<()> {
        if self.ink() < gas.saturating_mul(INK_PRICE) {
            return Err(Escape::OutOfInk);
        }
        Ok(())
    }

    // --------------------------------------------------------------- memory

    fn read_slice(&self, ptr: u32, len: u32) -> HostResult<Vec<u8>> {
        let mut buf = vec![0u8; len as usize];
        self.memory
            .read(&self.store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure(format!("out-of-bounds read at {ptr}+{len}")))?;
        Ok(buf)
    }

    fn read_fixed<const N: usize>(&self, ptr: u32) -> HostResult<[u8; N]> {
        let mut buf = [0u8; N];
        self.memory
            .read(&self.store, ptr as usize, &mut buf)
            .map_err(|_| Escape::Failure(format!("out-of-bounds read at {ptr}+{N}")))?;
        Ok(buf)
    }

    fn read_u256(&self, ptr: u32) -> HostResult<U256> {
        Ok(U256::from_be_bytes(self.read_fixed::<32>(ptr)?))
    }

    fn read_address(&self, ptr: u32) -> HostResult<Address> {
        Ok(Address::from(self.read_fixed::<20>(ptr)?))
    }

    fn write_slice(&mut self, ptr: u32, data: &[u8]) -> HostResult<()> {
        self.memory
            .write(&mut self.store, ptr as usize, data)
            .map_err(|_| Escape::Failure(format!("out-of-bounds write at {ptr}+{}", data.len())))
    }

    fn write_u256(&mut self, ptr: u32, value: U256) -> HostResult<()> {
        self.write_slice(ptr, &value.to_be_bytes::<32>())
    }

    // --------------------------------------------------------------- serve

    /// Serves one host function call.
    pub(crate) fn serve(&mut self, trap: &HostTrap, world: &mut dyn World) -> HostResult<Served> {
        let a = &trap.args;
        let none = || Ok(Served::Resume(Vec::new()));
        let i32v = |v: u32| Ok(Served::Resume(vec![Val::I32(v as i32)]));
        let i64v = |v: u64| Ok(Served::Resume(vec![Val::I64(v as i64)]));
        match HOST_FUNCTIONS[trap.index].name {
            "read_args" => {
                self.buy_ink(HOSTIO_INK)?;
                let args = self.call.calldata.clone();
                self.buy_ink(write_price(args.len() as u32))?;
                self.write_slice(arg32(a, 0), &args)?;
                none()
            }
            "write_result" => {
                let (ptr, len) = (arg32(a, 0), arg32(a, 1));
                self.buy_ink(HOSTIO_INK)?;
                self.buy_ink(read_price(len))?;
                self.buy_ink(read_price(len))?;
                self.outs = self.read_slice(ptr, len)?;
                none()
            }
            "exit_early" => Err(Escape::Exit(arg32(a, 0))),
            "storage_load_bytes32" => {
                self.buy_ink(STORAGE_ACCESS_INK)?;
                self.require_gas(COLD_SLOAD_GAS + CACHE_ACCESS_GAS + EVM_API_GAS)?;
                let key = self.read_u256(arg32(a, 0))?;
                let mut cost = self.cache.read_gas();
                let value = match self.cache.get(&key) {
                    Some(value) => value,
                    None => {
                        self.trace.storage_slots.push(key);
                        let (value, cold) = world.sload(key, self.gas_left())?;
                        let access = if cold { COLD_SLOAD_GAS } else { 100 };
                        cost = cost.saturating_add(access).saturating_add(EVM_API_GAS);
                        self.cache.insert_known(key, value);
                        value
                    }
                };
                self.buy_gas(cost)?;
                self.write_u256(arg32(a, 1), value)?;
                none()
            }
            "storage_cache_bytes32" => {
                self.buy_ink(STORAGE_ACCESS_INK)?;
                self.require_gas(SSTORE_SENTRY_GAS + CACHE_ACCESS_GAS)?;
                let key = self.read_u256(arg32(a, 0))?;
                let value = self.read_u256(arg32(a, 1))?;
                let cost = self.cache.write_gas();
                self.cache.cache(key, value);
                self.buy_gas(cost)?;
                none()
            }
            "storage_flush_cache" => {
                self.buy_ink(HOSTIO_EVM_INK)?;
                self.require_gas(SSTORE_SENTRY_GAS)?;
                let entries = self.cache.flush(arg32(a, 0) != 0);
                if entries.is_empty() {
                    return none();
                }
                if self.call.is_static {
                    return Err(WorldError::WriteProtection.into());
                }
                let budget = self.gas_left();
                let mut total: u64 = 0;
                for (key, value) in entries {
                    let left = budget.saturating_sub(total);
                    self.trace.storage_slots.push(key);
                    let cost = world.sstore(key, value, left)?;
                    total = total.saturating_add(cost.gas);
                    if total > budget {
                        return Err(Escape::OutOfInk);
                    }
                }
                self.buy_gas(total)?;
                none()
            }
            "transient_load_bytes32" => {
                self.buy_ink(HOSTIO_2PTR_EVM_INK)?;
                self.buy_gas(TRANSIENT_GAS)?;
                let key = self.read_u256(arg32(a, 0))?;
                let value = world.tload(key);
                self.write_u256(arg32(a, 1), value)?;
                none()
            }
            "transient_store_bytes32" => {
                self.buy_ink(HOSTIO_2PTR_EVM_INK)?;
                self.buy_gas(TRANSIENT_GAS)?;
                let key = self.read_u256(arg32(a, 0))?;
                let value = self.read_u256(arg32(a, 1))?;
                world.tstore(key, value)?;
                none()
            }
            "call_contract" => self.call_contract(CallKind::Call, a),
            "delegate_call_contract" => self.call_contract(CallKind::DelegateCall, a),
            "static_call_contract" => self.call_contract(CallKind::StaticCall, a),
            "create1" => self.create(a, false),
            "create2" => self.create(a, true),
            "read_return_data" => {
                let (dest, offset, size) = (arg32(a, 0), arg32(a, 1), arg32(a, 2));
                self.buy_ink(HOSTIO_EVM_INK)?;
                let len = self.return_data.len() as u32;
                let max = len.saturating_sub(offset);
                self.buy_ink(write_price(size.min(max)))?;
                if max == 0 {
                    return i32v(0);
                }
                let end = offset.saturating_add(size).min(len);
                let data = self.return_data.slice(offset as usize..end as usize);
                if !data.is_empty() {
                    self.write_slice(dest, &data)?;
                }
                i32v(data.len() as u32)
            }
            "return_data_size" => {
                self.buy_ink(HOSTIO_INK)?;
                i32v(self.return_data.len() as u32)
            }
            "emit_log" => {
                let (ptr, len, topics) = (arg32(a, 0), arg32(a, 1), arg32(a, 2));
                self.buy_ink(HOSTIO_EVM_INK)?;
                if topics > 4 || len < topics * 32 {
                    return Err(Escape::Failure("bad topic data".into()));
                }
                self.buy_ink(read_price(len))?;
                self.buy_gas(log_gas(topics, len - topics * 32))?;
                let data = self.read_slice(ptr, len)?;
                let (topic_bytes, body) = data.split_at(topics as usize * 32);
                let topics: Vec<B256> = topic_bytes.chunks(32).map(B256::from_slice).collect();
                world.emit_log(&topics, body)?;
                none()
            }
            "account_balance" => {
                self.buy_ink(HOSTIO_2PTR_EVM_INK)?;
                self.require_gas(COLD_ACCOUNT_GAS)?;
                let address = self.read_address(arg32(a, 0))?;
                let (balance, cold) = world.balance(address)?;
                self.buy_gas(account_gas(cold))?;
                self.write_u256(arg32(a, 1), balance)?;
                none()
            }
            "account_code" => {
                let (offset, size, dest) = (arg32(a, 1), arg32(a, 2), arg32(a, 3));
                self.buy_ink(HOSTIO_EVM_INK)?;
                self.require_gas(COLD_ACCOUNT_GAS)?;
                let address = self.read_address(arg32(a, 0))?;
                let code = self.load_code(world, address)?;
                self.buy_ink(write_price(code.len() as u32))?;
                let start = (offset as usize).min(code.len());
                let end = (offset.saturating_add(size) as usize).min(code.len());
                let slice = code.slice(start..end);
                self.write_slice(dest, &slice)?;
                i32v(slice.len() as u32)
            }
            "account_code_size" => {
                self.buy_ink(HOSTIO_EVM_INK)?;
                self.require_gas(COLD_ACCOUNT_GAS)?;
                let address = self.read_address(arg32(a, 0))?;
                let code = self.load_code(world, address)?;
                i32v(code.len() as u32)
            }
            "account_codehash" => {
                self.buy_ink(HOSTIO_2PTR_EVM_INK)?;
                self.require_gas(COLD_ACCOUNT_GAS)?;
                let address = self.read_address(arg32(a, 0))?;
                let (hash, cold) = world.code_hash(address)?;
                self.buy_gas(account_gas(cold))?;
                self.write_slice(arg32(a, 1), hash.as_slice())?;
                none()
            }
            "block_basefee" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                self.write_u256(arg32(a, 0), world.block().basefee)?;
                none()
            }
            "block_coinbase" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                self.write_slice(arg32(a, 0), world.block().coinbase.as_slice())?;
                none()
            }
            "block_gas_limit" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(world.block().gas_limit)
            }
            "block_number" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(world.block().number)
            }
            "block_timestamp" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(world.block().timestamp)
            }
            "chainid" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(world.block().chain_id)
            }
            "contract_address" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                let contract = self.call.contract;
                self.write_slice(arg32(a, 0), contract.as_slice())?;
                none()
            }
            "evm_gas_left" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(self.gas_left())
            }
            "evm_ink_left" => {
                self.buy_ink(HOSTIO_INK)?;
                i64v(self.ink())
            }
            "math_div" | "math_mod" => {
                self.buy_ink(MATH_DIV_INK)?;
                let (x, y) = (self.read_u256(arg32(a, 0))?, self.read_u256(arg32(a, 1))?);
                let result = if HOST_FUNCTIONS[trap.index].name == "math_div" {
                    x.checked_div(y)
                } else {
                    x.checked_rem(y)
                };
                self.write_u256(arg32(a, 0), result.unwrap_or_default())?;
                none()
            }
            "math_pow" => {
                self.buy_ink(MATH_POW_INK)?;
                let x = self.read_u256(arg32(a, 0))?;
                let exponent = self.read_fixed::<32>(arg32(a, 1))?;
                self.buy_ink(pow_price(&exponent))?;
                let result = x.wrapping_pow(U256::from_be_bytes(exponent));
                self.write_u256(arg32(a, 0), result)?;
                none()
            }
            "math_add_mod" | "math_mul_mod" => {
                let add = HOST_FUNCTIONS[trap.index].name == "math_add_mod";
                self.buy_ink(if add {
                    MATH_ADD_MOD_INK
                } else {
                    MATH_MUL_MOD_INK
                })?;
                let x = self.read_u256(arg32(a, 0))?;
                let y = self.read_u256(arg32(a, 1))?;
                let m = self.read_u256(arg32(a, 2))?;
                let result = if add {
                    x.add_mod(y, m)
                } else {
                    x.mul_mod(y, m)
                };
                self.write_u256(arg32(a, 0), result)?;
                none()
            }
            "msg_reentrant" => {
                self.buy_ink(HOSTIO_INK)?;
                i32v(self.call.reentrant as u32)
            }
            "msg_sender" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                let caller = self.call.caller;
                self.write_slice(arg32(a, 0), caller.as_slice())?;
                none()
            }
            "msg_value" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                let value = self.call.value;
                self.write_u256(arg32(a, 0), value)?;
                none()
            }
            "native_keccak256" => {
                let (input, len, output) = (arg32(a, 0), arg32(a, 1), arg32(a, 2));
                self.buy_ink(keccak_price(len))?;
                let preimage = self.read_slice(input, len)?;
                let digest = keccak256(&preimage);
                self.write_slice(output, digest.as_slice())?;
                self.trace.keccaks.push((digest, preimage));
                none()
            }
            "tx_gas_price" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                self.write_u256(arg32(a, 0), world.tx().gas_price)?;
                none()
            }
            "tx_ink_price" => {
                self.buy_ink(HOSTIO_INK)?;
                i32v(INK_PRICE as u32)
            }
            "tx_origin" => {
                self.buy_ink(HOSTIO_PTR_INK)?;
                self.write_slice(arg32(a, 0), world.tx().origin.as_slice())?;
                none()
            }
            "pay_for_memory_grow" => {
                let pages = arg32(a, 0) as u16;
                if pages == 0 {
                    self.buy_ink(HOSTIO_INK)?;
                } else {
                    let gas = world.add_pages(pages);
                    self.buy_gas(gas)?;
                }
                none()
            }
            other => Err(Escape::Failure(format!("unknown host function {other}"))),
        }
    }

    /// `call_contract(contract, data, data_len, value, gas, ret_len)` and its
    /// delegate and static forms (which take no value).
    fn call_contract(&mut self, kind: CallKind, a: &[i64]) -> HostResult<Served> {
        let (contract, data, data_len) = (arg32(a, 0), arg32(a, 1), arg32(a, 2));
        let (value_ptr, gas, ret_len) = match kind {
            CallKind::Call => (
                Some(arg32(a, 3)),
                a.get(4).copied().unwrap_or(0),
                arg32(a, 5),
            ),
            _ => (None, a.get(3).copied().unwrap_or(0), arg32(a, 4)),
        };
        self.buy_ink(CALL_INK)?;
        self.buy_ink(read_price(data_len))?;
        self.buy_ink(read_price(data_len))?;
        let gas_left = self.gas_left();
        let gas_requested = (gas as u64).min(gas_left);
        let to = self.read_address(contract)?;
        let data = Bytes::from(self.read_slice(data, data_len)?);
        let value = match value_ptr {
            Some(ptr) => self.read_u256(ptr)?,
            None => U256::ZERO,
        };
        Ok(Served::Yield(
            Step::Call(SubCall {
                kind,
                to,
                value,
                data,
                gas_requested,
                gas_left,
            }),
            Pending::Call { ret_len },
        ))
    }

    /// `create1(code, code_len, endowment, contract, revert_len)` and
    /// `create2(code, code_len, endowment, salt, contract, revert_len)`.
    fn create(&mut self, a: &[i64], salted: bool) -> HostResult<Served> {
        let (code, code_len, endowment) = (arg32(a, 0), arg32(a, 1), arg32(a, 2));
        let (salt_ptr, contract, revert_len) = if salted {
            (Some(arg32(a, 3)), arg32(a, 4), arg32(a, 5))
        } else {
            (None, arg32(a, 3), arg32(a, 4))
        };
        self.buy_ink(if salted { CREATE2_INK } else { CALL_INK })?;
        self.buy_ink(read_price(code_len))?;
        self.buy_ink(read_price(code_len))?;
        let code = Bytes::from(self.read_slice(code, code_len)?);
        let endowment = self.read_u256(endowment)?;
        let salt = match salt_ptr {
            Some(ptr) => Some(B256::from(self.read_fixed::<32>(ptr)?)),
            None => None,
        };
        Ok(Served::Yield(
            Step::Create(SubCreate {
                salt,
                code,
                endowment,
                gas_left: self.gas_left(),
            }),
            Pending::Create {
                contract,
                revert_len,
            },
        ))
    }

    /// Applies a nested call's result and returns the host function's results.
    pub(crate) fn complete_sub(
        &mut self,
        pending: Pending,
        result: SubResult,
    ) -> HostResult<Vec<Val>> {
        self.buy_gas(result.gas_cost)?;
        self.return_data = result.output;
        let len = (self.return_data.len() as u32).to_le_bytes();
        match pending {
            Pending::Call { ret_len } => {
                self.write_slice(ret_len, &len)?;
                let status = if result.success { 0 } else { CALL_FAILED };
                Ok(vec![Val::I32(status)])
            }
            Pending::Create {
                contract,
                revert_len,
            } => {
                self.write_slice(revert_len, &len)?;
                self.write_slice(contract, result.created.as_slice())?;
                Ok(Vec::new())
            }
        }
    }
}

/// `ExtcodeSizeGasEIP150`: what `WasmAccountTouchCost` adds when the code
/// is loaded (`MaxCodeSize / DefaultMaxCodeSize` = 1 time on Arbitrum,
/// `go-ethereum/core/vm/operations_acl_arbitrum.go`).
const CODE_LOAD_GAS: u64 = 700;

impl Execution {
    /// `address`'s code for `account_code` and `account_code_size`, as
    /// Nitro prices it: `WasmAccountTouchCost(.., withCode: true)` (700 +
    /// the EIP-2929 access), except that asking again for the account the
    /// program last loaded costs nothing (`EvmApiRequestor::account_code`
    /// in `crates/arbutil/src/evm/req.rs`). An account without code is not
    /// remembered (ArbOS 40's last-code cache fix).
    fn load_code(&mut self, world: &mut dyn World, address: Address) -> HostResult<Bytes> {
        if let Some((last, code)) = &self.last_code {
            if *last == address {
                return Ok(code.clone());
            }
        }
        let (code, cold) = world.code(address)?;
        self.buy_gas(CODE_LOAD_GAS + account_gas(cold))?;
        if !code.is_empty() {
            self.last_code = Some((address, code.clone()));
        }
        Ok(code)
    }
}

/// Gas of an account access: EIP-2929 cold or warm.
fn account_gas(cold: bool) -> u64 {
    if cold {
        COLD_ACCOUNT_GAS
    } else {
        100
    }
}
