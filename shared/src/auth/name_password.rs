//! Passwords of registered chat names (SPEC §8): argon2id with the crate's defaults (the OWASP
//! recommendation: 19 MiB, two passes, one lane), kept as PHC strings. Hashing and checking
//! are slow on purpose, so callers run them off the async executor (`spawn_blocking`); the
//! comparison inside argon2 is constant-time, and no password is ever logged or stored.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};

/// Fewest bytes of a name's password.
pub const MIN_NAME_PASSWORD: usize = 8;
/// Most bytes of a name's password (argon2 takes any length; the bound keeps the work small).
pub const MAX_NAME_PASSWORD: usize = 128;

/// Why a password cannot be registered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NamePasswordError {
    #[error("The password must be {MIN_NAME_PASSWORD} to {MAX_NAME_PASSWORD} bytes long.")]
    Length,
    #[error("The password could not be hashed, try again.")]
    Hash,
}

/// Checks a password's length (in bytes, as typed: spaces count).
pub fn check_name_password(password: &str) -> Result<(), NamePasswordError> {
    match (MIN_NAME_PASSWORD..=MAX_NAME_PASSWORD).contains(&password.len()) {
        true => Ok(()),
        false => Err(NamePasswordError::Length),
    }
}

/// The PHC string of a new password (a fresh random salt each time).
pub fn hash_name_password(password: &str) -> Result<String, NamePasswordError> {
    check_name_password(password)?;
    let mut bytes = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|_| NamePasswordError::Hash)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| NamePasswordError::Hash)
}

/// Whether `password` is the one hashed in `phc`. A password out of bounds is wrong without
/// any work; an unreadable stored hash matches nothing.
pub fn verify_name_password(phc: &str, password: &str) -> bool {
    if check_name_password(password).is_err() {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        tracing::error!("a registered name's stored hash is unreadable");
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash_name_password("correct horse").unwrap();
        let b = hash_name_password("correct horse").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b);
        assert!(verify_name_password(&a, "correct horse"));
        assert!(!verify_name_password(&a, "correct horsf"));
        assert!(!verify_name_password("garbage", "correct horse"));
        assert_eq!(hash_name_password("short"), Err(NamePasswordError::Length));
        assert_eq!(
            check_name_password(&"x".repeat(MAX_NAME_PASSWORD + 1)),
            Err(NamePasswordError::Length)
        );
        assert!(check_name_password(&"x".repeat(MAX_NAME_PASSWORD)).is_ok());
    }
}
