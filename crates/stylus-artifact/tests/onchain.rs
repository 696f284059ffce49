//! The on-chain code format: prefix, brotli, round trip, limits.

mod common;

use common::{wasm, MINIMAL};
use stylus_artifact::limits::MAX_CODE_SIZE;
use stylus_artifact::onchain::compress;
use stylus_artifact::{
    build_artifact, decompress_onchain_code, is_stylus_code, onchain_code, Error,
};

#[test]
fn code_is_prefix_then_brotli_and_round_trips() {
    let module = wasm(MINIMAL);
    let code = onchain_code(&module);
    assert_eq!(&code[..4], &[0xEF, 0xF0, 0x00, 0x00]);
    assert_eq!(&code[4..], compress(&module).as_slice());
    assert!(is_stylus_code(&code));
    assert_eq!(decompress_onchain_code(&code), Ok(module));
}

#[test]
fn compresses_repetitive_wasm_well() {
    let data = "stylus".repeat(2_000);
    let module = wasm(&format!(
        r#"(module (memory (export "memory") 1 1) (data (i32.const 0) "{data}")
             (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#
    ));
    let artifact = build_artifact(&module).expect("builds");
    assert!(artifact.code.len() < 200, "{} bytes", artifact.code.len());
    assert!(artifact.code.len() <= MAX_CODE_SIZE);
    assert_eq!(decompress_onchain_code(&artifact.code), Ok(artifact.wasm));
}

#[test]
fn refuses_other_prefixes_dictionaries_and_corrupt_streams() {
    let code = onchain_code(&wasm(MINIMAL));
    assert_eq!(
        decompress_onchain_code(&code[1..]),
        Err(Error::NotStylusCode)
    );
    assert_eq!(
        decompress_onchain_code(&[0xEF, 0xF0, 0x00]),
        Err(Error::NotStylusCode)
    );
    let mut with_dictionary = code.clone();
    with_dictionary[3] = 1;
    assert_eq!(
        decompress_onchain_code(&with_dictionary),
        Err(Error::UnsupportedDictionary(1))
    );
    let mut corrupt = code[..4].to_vec();
    corrupt.extend([0xff; 16]);
    assert!(matches!(
        decompress_onchain_code(&corrupt),
        Err(Error::Decompress(_))
    ));
}

#[test]
fn refuses_to_inflate_more_than_128_kib() {
    let mut code = vec![0xEF, 0xF0, 0x00, 0x00];
    code.extend(compress(&vec![0u8; 200_000]));
    assert_eq!(
        decompress_onchain_code(&code),
        Err(Error::DecompressedTooLarge { limit: 131_072 })
    );
}
