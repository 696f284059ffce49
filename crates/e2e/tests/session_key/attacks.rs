//! The end-to-end attack inventory: a leaked session key (allowed only
//! `increment()` on the Counter, for one day) tries to escape through
//! `EntryPoint.handleOps`, bundling its own operations. Each attack is
//! refused in validation with its exact error, and changes nothing: not
//! the Counter, the nonce, nor the deposit ([`Session::refused`]). Every
//! attack runs against the granular modules and against the session policy.

use module_kit::testing::hostile;
use permission_core::selectors::EXECUTE_USER_OP;
use session_keys::abi::{IEntryPoint, ISpendingLimitModule};

use super::*;

fn increment_selector() -> [u8; 4] {
    Counter::increment_calldata()[..4].try_into().unwrap()
}

fn malformed(reason: u8) -> AllowlistErrors {
    AllowlistErrors::MalformedCalldata(ISelectorAllowlistModule::MalformedCalldata { reason })
}

// --- The key calls the modules' admin functions and the EntryPoint ---

scenario! {
    fn attack_key_rotates_the_signer_of_its_own_entity(s) {
        let signer = s.w.modules.session_signer;
        let attacker = Key::from_seed(0x66).address();
        let call = ISessionSignerModule::transferSignerCall {
            entityId: ENTITY,
            newSigner: attacker,
        }
        .abi_encode();
        let selector = ISessionSignerModule::transferSignerCall::SELECTOR;
        s.refused_by_allowlist(s.execute(signer, call), signer, selector);
        let account = s.w.account;
        let key = s.key.address();
        assert_eq!(
            view(
                &mut s.w.net,
                signer,
                ISessionSignerModule::signersCall {
                    entityId: ENTITY,
                    account
                }
            ),
            key
        );
    }
}

scenario! {
    fn attack_key_removes_its_own_expiry(s) {
        let window = s.w.modules.time_window;
        let call = ITimeWindowModule::setTimeWindowCall {
            entityId: ENTITY,
            validAfter: Default::default(),
            validUntil: Default::default(),
        }
        .abi_encode();
        let selector = ITimeWindowModule::setTimeWindowCall::SELECTOR;
        s.refused_by_allowlist(s.execute(window, call), window, selector);
    }
}

scenario! {
    fn attack_key_adds_a_rule_to_its_own_allowlist(s) {
        let allowlist = s.w.modules.selector_allowlist;
        let call = ISelectorAllowlistModule::addRuleCall {
            entityId: ENTITY,
            target: Address::ZERO,
            selector: FixedBytes([0xa9, 0x05, 0x9c, 0xbb]),
        }
        .abi_encode();
        let selector = ISelectorAllowlistModule::addRuleCall::SELECTOR;
        s.refused_by_allowlist(s.execute(allowlist, call), allowlist, selector);
    }
}

scenario! {
    fn attack_key_lifts_a_spending_limit(s) {
        let limit = s.w.modules.spending_limit;
        let call = ISpendingLimitModule::setGasBudgetCall {
            entityId: ENTITY,
            enabled: false,
            limit: U256::ZERO,
        }
        .abi_encode();
        let selector = ISpendingLimitModule::setGasBudgetCall::SELECTOR;
        s.refused_by_allowlist(s.execute(limit, call), limit, selector);
    }
}

scenario! {
    fn attack_key_withdraws_the_entry_point_deposit(s) {
        let attacker = Key::from_seed(0x66).address();
        let deposit = s.w.deposit_of_account();
        let call = IEntryPoint::withdrawToCall {
            withdrawAddress: attacker,
            withdrawAmount: deposit,
        }
        .abi_encode();
        let selector = IEntryPoint::withdrawToCall::SELECTOR;
        s.refused_by_allowlist(s.execute(ENTRY_POINT, call), ENTRY_POINT, selector);
    }
}

// --- Call forms and hostile encodings ---

scenario! {
    fn attack_nested_execute_user_op_prefix(s) {
        // The account itself refuses: its validation is not for
        // `executeUserOp` as an inner call.
        let op = s.op(hostile::nested_prefix(&s.increment()));
        s.refused_by_account(
            op,
            AccountErrors::ValidationFunctionMissing(IReferenceAccount::ValidationFunctionMissing {
                selector: FixedBytes(EXECUTE_USER_OP),
            }),
        );
    }
}

scenario! {
    fn attack_dirty_high_bits_in_the_allowed_target(s) {
        let counter = s.w.counter.address;
        // The account decodes the call before any hook, and refuses it.
        let call = hostile::dirty_target(counter, U256::ZERO, Counter::increment_calldata(), 0x01);
        let op = s.op(call);
        s.refused_by_account(
            op,
            AccountErrors::MalformedCalldata(IReferenceAccount::MalformedCalldata { reason: 4 }),
        );
    }
}

scenario! {
    fn attack_overlapping_batch_elements_hide_a_target(s) {
        let counter = s.w.counter.address;
        let other = Counter::deploy(&mut s.w.net).address;
        let mut data = [0u8; 64];
        data[..4].copy_from_slice(&increment_selector());
        let batch = hostile::overlapping_batch_elements(counter, other, data);
        s.refused_by_allowlist(batch, other, increment_selector());
        assert_eq!(Counter { address: other }.count(&mut s.w.net), U256::ZERO);
    }
}

scenario! {
    fn attack_data_offset_out_of_bounds(s) {
        let counter = s.w.counter.address;
        let call = hostile::execute_data_offset(
            counter,
            U256::ZERO,
            Counter::increment_calldata(),
            U256::from(u32::MAX),
        );
        s.refused_by_allowlist_with(call, malformed(2));
    }
}

scenario! {
    fn attack_real_zero_selector_call_to_the_allowed_target(s) {
        let counter = s.w.counter.address;
        let call = s.execute(counter, vec![0; 4]);
        s.refused_by_allowlist(call, counter, [0; 4]);
    }
}

scenario! {
    fn attack_overlapping_value_and_data_offsets(s) {
        let counter = s.w.counter.address;
        let call = hostile::overlapping_value_and_data(counter, U256::from(4));
        s.refused_by_allowlist(call, counter, [0; 4]);
    }
}

scenario! {
    fn attack_batch_hiding_a_call_behind_the_prefix(s) {
        let counter = s.w.counter.address;
        let signer = s.w.modules.session_signer;
        let rotate = ISessionSignerModule::transferSignerCall {
            entityId: ENTITY,
            newSigner: Key::from_seed(0x66).address(),
        }
        .abi_encode();
        let batch = encode::execute_batch([
            (counter, U256::ZERO, Counter::increment_calldata()),
            (signer, U256::ZERO, rotate),
        ]);
        s.refused_by_allowlist(
            encode::user_op_prefixed(&batch),
            signer,
            ISessionSignerModule::transferSignerCall::SELECTOR,
        );
    }
}
