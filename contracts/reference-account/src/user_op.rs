//! `validateUserOp`: the validation locator in the nonce, per-hook signature
//! segments, the validation hooks in install order, the validation module,
//! MAv2's combination of their results, and the prefund.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use module_kit::Host;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::{EXECUTE_USER_OP, PRE_USER_OP_VALIDATION_HOOK, VALIDATE_USER_OP};
use permission_core::user_op::PackedUserOpReader;
use permission_core::{Address, B256, U256};

use crate::calls::{call, ALL_GAS};
use crate::errors::*;
use crate::permissions::check_applies;
use crate::storage::{load_hook, load_validation, FLAG_USER_OP};

/// The nonce's validation locator: entityId and options.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locator {
    /// The validation's entityId.
    pub entity_id: u32,
    /// Options: 0x01 global, 0x02 deferred action, 0x04 direct call.
    pub options: u8,
}

impl Locator {
    /// Reads `nonce = key(192) ‖ sequence(64)`, key's low 5 bytes being
    /// `entityId(4) ‖ options(1)`.
    pub fn from_nonce(nonce: U256) -> Self {
        let bytes = nonce.to_be_bytes::<32>();
        Self {
            entity_id: u32::from_be_bytes([bytes[19], bytes[20], bytes[21], bytes[22]]),
            options: bytes[23],
        }
    }

    /// Whether the nonce asks for global validation.
    pub fn global(&self) -> bool {
        self.options & 0x01 != 0
    }
}

/// Each hook's segment and the validation's own signature.
pub type Segments<'a> = (Vec<&'a [u8]>, &'a [u8]);

/// Splits a user operation's signature into each hook's segment (empty when
/// absent) and the validation's own signature, as MAv2 lays them out:
/// `{index ‖ u32 length ‖ body}*` with strictly increasing indexes, then
/// `0xFF ‖ validation signature`.
pub fn split_segments(signature: &[u8], hooks: usize) -> Result<Segments<'_>, Vec<u8>> {
    let mut segments = Vec::with_capacity(hooks);
    let mut rest = signature;
    for i in 0..hooks {
        let Some(&index) = rest.first() else {
            return Err(SIGNATURE_SEGMENT_MISSING.to_vec());
        };
        let index = usize::from(index);
        if index < i {
            return Err(SEGMENT_OUT_OF_ORDER.to_vec());
        }
        if index > i {
            segments.push(&[][..]);
            continue;
        }
        let length = rest
            .get(1..5)
            .map(|l| u32::from_be_bytes([l[0], l[1], l[2], l[3]]) as usize)
            .ok_or_else(|| SIGNATURE_SEGMENT_OUT_OF_BOUNDS.to_vec())?;
        if length == 0 {
            return Err(NON_CANONICAL_ENCODING.to_vec());
        }
        let end = 5usize
            .checked_add(length)
            .ok_or_else(|| SIGNATURE_SEGMENT_OUT_OF_BOUNDS.to_vec())?;
        let body = rest
            .get(5..end)
            .ok_or_else(|| SIGNATURE_SEGMENT_OUT_OF_BOUNDS.to_vec())?;
        segments.push(body);
        rest = &rest[end..];
    }
    match rest.split_first() {
        Some((0xFF, validation)) => Ok((segments, validation)),
        _ => Err(SIGNATURE_SEGMENT_MISSING.to_vec()),
    }
}

/// `validUntil` with 0 read as "no expiry" (0xFFFFFFFFFFFF), as MAv2 does.
fn until(word: &[u8; 32]) -> u64 {
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&word[6..12]);
    match u64::from_be_bytes(b) {
        0 => 0xFFFF_FFFF_FFFF,
        v => v,
    }
}

fn after(word: &[u8; 32]) -> u64 {
    let mut b = [0u8; 8];
    b[2..].copy_from_slice(&word[..6]);
    u64::from_be_bytes(b)
}

/// MAv2's time part: the earlier validUntil and the later validAfter, with
/// `authorizer` in the low 20 bytes.
fn combine(a: &[u8; 32], b: &[u8; 32], authorizer: [u8; 20]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..6].copy_from_slice(&after(a).max(after(b)).to_be_bytes()[2..]);
    out[6..12].copy_from_slice(&until(a).min(until(b)).to_be_bytes()[2..]);
    out[12..].copy_from_slice(&authorizer);
    out
}

fn authorizer(word: &[u8; 32]) -> [u8; 20] {
    let mut out = [0u8; 20];
    out.copy_from_slice(&word[12..]);
    out
}

fn is_one(authorizer: &[u8; 20]) -> bool {
    authorizer[..19].iter().all(|b| *b == 0) && authorizer[19] == 1
}

/// Calls a module that must answer with at least one word; a revert or a
/// shorter answer is an error carrying what came back.
fn call_for_word<H: Host>(host: &H, module: Address, data: &[u8]) -> Result<[u8; 32], Vec<u8>> {
    let output = call(host, module, U256::ZERO, data, ALL_GAS)?;
    match output.get(..32) {
        Some(word) => Ok(word.try_into().unwrap_or([0u8; 32])),
        None => Err(output),
    }
}

/// `validateUserOp(userOp, userOpHash, missingAccountFunds)`.
pub fn validate_user_op<H: Host>(
    host: &H,
    entry_point: Address,
    args: &AbiReader<'_>,
) -> Result<Vec<u8>, Vec<u8>> {
    if host.msg_sender() != entry_point {
        return Err(NOT_ENTRY_POINT.to_vec());
    }
    let user_op = PackedUserOpReader::new(args.offset(0).or_revert()?);
    let user_op_hash = args.b256(1).or_revert()?;
    let missing_funds = args.u256(2).or_revert()?;
    let locator = Locator::from_nonce(user_op.nonce().or_revert()?);
    if locator.options & 0x06 != 0 {
        return Err(AbiWriter::new(1)
            .uint(locator.options.into())
            .finish_with_selector(UNSUPPORTED_OPTIONS));
    }
    let account = host.contract_address();
    let validation = load_validation(host, locator.entity_id);
    let call_data = user_op.call_data().or_revert()?;
    let first_hook = check_applies(
        host,
        account,
        locator.entity_id,
        &validation,
        locator.global(),
        call_data,
    )?;
    if validation.execution_hooks > 0 && call_data.get(..4) != Some(&EXECUTE_USER_OP[..]) {
        return Err(REQUIRE_USER_OP_CONTEXT.to_vec());
    }

    let (segments, validation_signature) = split_segments(
        user_op.signature().or_revert()?,
        validation.validation_hooks.into(),
    )?;
    let mut pre = [0u8; 32];
    for (i, segment) in segments.iter().enumerate() {
        let hook = match first_hook {
            Some(hook) if i == 0 => hook,
            _ => load_hook(host, true, locator.entity_id, i as u8),
        };
        let data = hook_call(
            PRE_USER_OP_VALIDATION_HOOK,
            hook.entity_id(),
            &user_op,
            segment,
            user_op_hash,
        )?;
        let word = call_for_word(host, hook.module(), &data)
            .map_err(|reason| wrapped(PRE_USER_OP_HOOK_REVERTED, hook.module_entity(), &reason))?;
        let hook_authorizer = authorizer(&word);
        if hook_authorizer[..19].iter().any(|b| *b != 0) || hook_authorizer[19] > 1 {
            let mut a = [0u8; 20];
            a.copy_from_slice(&hook_authorizer);
            return Err(AbiWriter::new(2)
                .word({
                    let mut w = [0u8; 32];
                    w[..24].copy_from_slice(&hook.module_entity());
                    w
                })
                .address(Address::from(a))
                .finish_with_selector(UNEXPECTED_AGGREGATOR));
        }
        let mut auth = authorizer(&pre);
        auth[19] |= hook_authorizer[19];
        pre = combine(&pre, &word, auth);
    }

    let module_entity = module_entity(validation.module, locator.entity_id);
    if validation.flags & FLAG_USER_OP == 0 {
        return Err(with_entity(USER_OP_VALIDATION_INVALID, module_entity));
    }
    let data = hook_call(
        VALIDATE_USER_OP,
        locator.entity_id,
        &user_op,
        validation_signature,
        user_op_hash,
    )?;
    let result = call_for_word(host, validation.module, &data)
        .map_err(|reason| wrapped(USER_OP_VALIDATION_REVERTED, module_entity, &reason))?;
    let validation_data = if segments.is_empty() {
        result
    } else {
        let auth = if is_one(&authorizer(&pre)) {
            authorizer(&pre)
        } else {
            authorizer(&result)
        };
        combine(&pre, &result, auth)
    };

    if !missing_funds.is_zero() {
        // The EntryPoint checks the deposit; a failed payment is its to report.
        let _ = call(host, entry_point, missing_funds, &[], ALL_GAS);
    }
    Ok(validation_data.to_vec())
}

/// `selector ‖ abi.encode(entityId, userOp with signature, userOpHash)`.
fn hook_call(
    selector: [u8; 4],
    entity_id: u32,
    user_op: &PackedUserOpReader<'_>,
    signature: &[u8],
    user_op_hash: B256,
) -> Result<Vec<u8>, Vec<u8>> {
    let tuple = user_op.encode_with_signature(signature).or_revert()?;
    Ok(AbiWriter::new(3)
        .uint(entity_id.into())
        .dyn_encoded(&tuple)
        .word(user_op_hash.0)
        .finish_with_selector(selector))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locator_is_read_from_the_nonce_key() {
        // key = parallel(19 bytes) ‖ entityId 7 ‖ options 0x01, sequence 5.
        let key = (U256::from(0xABu64) << 40) | (U256::from(7u64) << 8) | U256::from(1u64);
        let nonce = (key << 64) | U256::from(5u64);
        let locator = Locator::from_nonce(nonce);
        assert_eq!(
            (locator.entity_id, locator.options, locator.global()),
            (7, 1, true)
        );
    }

    #[test]
    fn segments_follow_mav2s_layout() {
        // No hook wants data: 0xFF ‖ validation signature.
        let (segments, validation) = split_segments(&[0xFF, 0, 1, 2], 3).unwrap();
        let empty: &[u8] = &[];
        assert_eq!(segments, vec![empty, empty, empty]);
        assert_eq!(validation, &[0, 1, 2]);
        // Hook 1 gets 0xabcd.
        let sig = [1, 0, 0, 0, 2, 0xAB, 0xCD, 0xFF, 9];
        let (segments, validation) = split_segments(&sig, 3).unwrap();
        assert_eq!(segments, vec![empty, &[0xAB, 0xCD][..], empty]);
        assert_eq!(validation, &[9]);
    }

    #[test]
    fn bad_segments_are_refused_with_mav2s_errors() {
        let err = |sig: &[u8], hooks| split_segments(sig, hooks).unwrap_err();
        // Index 0 twice: out of order.
        assert_eq!(
            err(&[0, 0, 0, 0, 1, 7, 0, 0, 0, 0, 1, 7, 0xFF], 2),
            SEGMENT_OUT_OF_ORDER.to_vec()
        );
        // A zero length is not canonical.
        assert_eq!(
            err(&[0, 0, 0, 0, 0, 0xFF], 1),
            NON_CANONICAL_ENCODING.to_vec()
        );
        // A length past the end.
        assert_eq!(
            err(&[0, 0, 0, 0, 9, 1, 0xFF], 1),
            SIGNATURE_SEGMENT_OUT_OF_BOUNDS.to_vec()
        );
        // No 0xFF segment, or none at all.
        assert_eq!(
            err(&[0, 0, 0, 0, 1, 7], 1),
            SIGNATURE_SEGMENT_MISSING.to_vec()
        );
        assert_eq!(err(&[], 0), SIGNATURE_SEGMENT_MISSING.to_vec());
        // An index beyond the hooks is not the 0xFF segment.
        assert_eq!(
            err(&[5, 0, 0, 0, 1, 7, 0xFF], 2),
            SIGNATURE_SEGMENT_MISSING.to_vec()
        );
    }

    proptest::proptest! {
        /// Arbitrary signatures never panic the segment parser, and whatever
        /// it accepts re-encodes to the bytes it read.
        #[test]
        fn segments_never_panic_and_round_trip(
            signature in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..80),
            hooks in 0usize..4,
        ) {
            if let Ok((segments, validation)) = split_segments(&signature, hooks) {
                proptest::prop_assert_eq!(segments.len(), hooks);
                let mut encoded = Vec::new();
                for (i, segment) in segments.iter().enumerate() {
                    if !segment.is_empty() {
                        encoded.push(i as u8);
                        encoded.extend_from_slice(&(segment.len() as u32).to_be_bytes());
                        encoded.extend_from_slice(segment);
                    }
                }
                encoded.push(0xFF);
                encoded.extend_from_slice(validation);
                proptest::prop_assert_eq!(encoded, signature);
            }
        }
    }

    #[test]
    fn validation_data_combines_as_mav2_does() {
        let word = |after: u64, until: u64, auth: u8| {
            let mut w = [0u8; 32];
            w[..6].copy_from_slice(&after.to_be_bytes()[2..]);
            w[6..12].copy_from_slice(&until.to_be_bytes()[2..]);
            w[31] = auth;
            w
        };
        // Later validAfter, earlier validUntil; 0 means no expiry.
        let c = combine(&word(10, 0, 0), &word(20, 500, 0), [0u8; 20]);
        assert_eq!(c, word(20, 500, 0));
        // Nobody sets an expiry: MAv2 carries 0xFFFFFFFFFFFF.
        let c = combine(&word(0, 0, 0), &word(0, 0, 0), [0u8; 20]);
        assert_eq!(c, word(0, 0xFFFF_FFFF_FFFF, 0));
    }
}
