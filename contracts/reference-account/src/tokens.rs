//! The token callbacks, as MAv2 v2.0.x's `src/account/TokenReceiver.sol`:
//! `onERC721Received`, `onERC1155Received` and `onERC1155BatchReceived`
//! accept every token by returning their own selector, so safe transfers
//! to the account succeed. Their arguments are decoded (a malformed call
//! reverts, as Solidity's decoder does) and otherwise ignored.

use alloc::vec::Vec;
use module_kit::errors::OrRevert;
use permission_core::abi::{AbiReader, AbiWriter};
use permission_core::selectors::{interface_id, selector};

/// `onERC721Received(address,address,uint256,bytes)`.
pub const ON_ERC721_RECEIVED: [u8; 4] = selector("onERC721Received(address,address,uint256,bytes)");
/// `onERC1155Received(address,address,uint256,uint256,bytes)`.
pub const ON_ERC1155_RECEIVED: [u8; 4] =
    selector("onERC1155Received(address,address,uint256,uint256,bytes)");
/// `onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)`.
pub const ON_ERC1155_BATCH_RECEIVED: [u8; 4] =
    selector("onERC1155BatchReceived(address,address,uint256[],uint256[],bytes)");

/// IERC721Receiver's interface id (`0x150b7a02`).
pub const IERC721_RECEIVER_ID: [u8; 4] = interface_id(&[ON_ERC721_RECEIVED]);
/// IERC1155Receiver's interface id (`0x4e2312e0`).
pub const IERC1155_RECEIVER_ID: [u8; 4] =
    interface_id(&[ON_ERC1155_RECEIVED, ON_ERC1155_BATCH_RECEIVED]);

/// Answers a token callback with its selector, once `args` decode.
pub fn on_received(selector: [u8; 4], args: &AbiReader<'_>) -> Result<Vec<u8>, Vec<u8>> {
    match selector {
        ON_ERC721_RECEIVED => {
            args.address(0).or_revert()?;
            args.address(1).or_revert()?;
            args.dyn_bytes(3).or_revert()?;
        }
        ON_ERC1155_RECEIVED => {
            args.address(0).or_revert()?;
            args.address(1).or_revert()?;
            args.dyn_bytes(4).or_revert()?;
        }
        _ => {
            args.address(0).or_revert()?;
            args.address(1).or_revert()?;
            args.array(2).or_revert()?;
            args.array(3).or_revert()?;
            args.dyn_bytes(4).or_revert()?;
        }
    }
    let mut word = [0u8; 32];
    word[..4].copy_from_slice(&selector);
    Ok(AbiWriter::new(1).word(word).finish())
}
