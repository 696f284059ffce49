//! The keys: the signing key, from a keystore file or the
//! `SESSION_KEYS_PRIVATE_KEY` environment variable, and a session key, from
//! its key file or `SESSION_KEYS_SESSION_KEY`. Neither is ever printed, and
//! error messages never quote them.

use std::io::IsTerminal;
use std::path::Path;

use alloy_primitives::B256;
use alloy_signer_local::PrivateKeySigner;
use session_keys::Key;

use crate::error::CliError;
use crate::output::Output;

/// The environment variable holding the signing key (0x-hex).
pub const PRIVATE_KEY_ENV: &str = "SESSION_KEYS_PRIVATE_KEY";
/// The environment variable holding a keystore's password.
pub const KEYSTORE_PASSWORD_ENV: &str = "SESSION_KEYS_KEYSTORE_PASSWORD";

/// The signing key: `keystore` if given, else [`PRIVATE_KEY_ENV`].
pub fn signing_key(keystore: Option<&Path>) -> Result<Key, CliError> {
    match keystore {
        Some(path) => from_keystore(path),
        None => from_env(),
    }
}

/// A key from 0x-hex text; the error never contains the text.
pub fn parse_key(text: &str, origin: &str) -> Result<Key, CliError> {
    let bad = || {
        CliError::BadInput(format!(
            "{origin} is not a private key: expected 32 bytes as 0x-prefixed hex (the value is not shown)"
        ))
    };
    let hex = text.trim();
    let hex = hex.strip_prefix("0x").unwrap_or(hex);
    let bytes = alloy_primitives::hex::decode(hex).map_err(|_| bad())?;
    let secret = B256::try_from(bytes.as_slice()).map_err(|_| bad())?;
    Key::try_from_bytes(secret).ok_or_else(bad)
}

fn from_env() -> Result<Key, CliError> {
    let text = std::env::var(PRIVATE_KEY_ENV).map_err(|_| {
        CliError::BadInput(format!(
            "no signing key: set {PRIVATE_KEY_ENV} to the 0x-prefixed private key, or pass --keystore FILE"
        ))
    })?;
    parse_key(&text, PRIVATE_KEY_ENV)
}

fn from_keystore(path: &Path) -> Result<Key, CliError> {
    if !path.is_file() {
        return Err(CliError::BadInput(format!(
            "keystore {} does not exist",
            path.display()
        )));
    }
    let password = match std::env::var(KEYSTORE_PASSWORD_ENV) {
        Ok(p) => p,
        Err(_) if std::io::stdin().is_terminal() => {
            rpassword::prompt_password(format!("password for {}: ", path.display()))
                .map_err(|e| CliError::BadInput(format!("reading the password: {e}")))?
        }
        Err(_) => {
            return Err(CliError::BadInput(format!(
                "keystore {} needs a password: set {KEYSTORE_PASSWORD_ENV}",
                path.display()
            )))
        }
    };
    let signer = PrivateKeySigner::decrypt_keystore(path, password).map_err(|e| {
        CliError::BadInput(format!(
            "cannot open keystore {}: {e} (wrong password?)",
            path.display()
        ))
    })?;
    let secret = B256::from_slice(&signer.credential().to_bytes());
    Key::try_from_bytes(secret).ok_or_else(|| {
        CliError::BadInput(format!("keystore {} holds an invalid key", path.display()))
    })
}

/// The environment variable that may hold the session key (0x-hex), when
/// `--key-file` is not given.
pub const SESSION_KEY_ENV: &str = "SESSION_KEYS_SESSION_KEY";

/// The session key: `--key-file`, else [`SESSION_KEY_ENV`]. A key file
/// other users may read gets a warning on stderr (as ssh gives one).
pub fn session_key(out: &Output, key_file: Option<&Path>) -> Result<Key, CliError> {
    match key_file {
        Some(path) => {
            #[cfg(unix)]
            if let Ok(metadata) = std::fs::metadata(path) {
                use std::os::unix::fs::PermissionsExt;
                let mode = metadata.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    out.note(&format!(
                        "warning: the session key file {} can be read by other users (mode {mode:o}); `chmod 600 {}`",
                        path.display(),
                        path.display()
                    ));
                }
            }
            let text = std::fs::read_to_string(path).map_err(|e| {
                CliError::BadInput(format!(
                    "cannot read the session key file {}: {e} (`grant --new-key --key-out FILE` writes one)",
                    path.display()
                ))
            })?;
            parse_key(&text, &format!("the session key file {}", path.display()))
        }
        None => {
            let text = std::env::var(SESSION_KEY_ENV).map_err(|_| {
                CliError::BadInput(format!(
                    "no session key: pass --key-file FILE (as `grant --new-key --key-out FILE` wrote it) or set {SESSION_KEY_ENV}"
                ))
            })?;
            parse_key(&text, SESSION_KEY_ENV)
        }
    }
}
