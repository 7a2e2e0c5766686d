//! `zoho.encryption.*`: Base64, URL encoding, hashes, HMACs and AES.
//!
//! Text is hashed and encrypted as its UTF-8 bytes. "binary" outputs (raw
//! bytes) come back as text with one character per byte (U+0000–U+00FF).
//! AES follows what Zoho's documented examples decrypt to: the key text is
//! zero-padded to 32 bytes (`aesEncode`) or 16 bytes (`aesEncode128`), CBC mode
//! with PKCS#5 padding; with an IV argument the result is Base64 of the
//! ciphertext, without one a random IV is generated and prepended.

use aes::{Aes128, Aes256};
use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use sha2::Digest;

use super::{b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("zoho.encryption.base64encode", None, 1, 1, base64_encode),
    b!("zoho.encryption.base64decode", None, 1, 2, base64_decode),
    b!("zoho.encryption.urlencode", None, 1, 2, url_encode),
    b!("zoho.encryption.urldecode", None, 1, 2, url_decode),
    b!("zoho.encryption.sha256", None, 1, 2, sha256),
    b!("zoho.encryption.sha1", None, 1, 2, sha1),
    b!("zoho.encryption.md5", None, 1, 2, md5),
    b!("zoho.encryption.hmacsha256", None, 2, 3, hmac_sha256),
    b!("zoho.encryption.hmacsha1", None, 2, 3, hmac_sha1),
    b!("zoho.encryption.hmacmd5", None, 2, 3, hmac_md5),
    b!("zoho.encryption.aesencode", None, 2, 3, aes_encode),
    b!("zoho.encryption.aesdecode", None, 2, 3, aes_decode),
    b!("zoho.encryption.aesencode128", None, 2, 4, aes_encode128),
    b!("zoho.encryption.aesdecode128", None, 2, 4, aes_decode128),
];

/// The argument at `i` as text; null is an error naming the function.
fn text_arg(args: &[Value], i: usize, name: &str) -> Result<String> {
    match args.get(i) {
        Some(Value::Text(s)) => Ok(s.to_string()),
        Some(Value::Null) | None => {
            fail(format!("zoho.encryption.{name}: argument {} is null", i + 1))
        }
        Some(v) => Ok(v.to_display()),
    }
}

/// An optional text argument (absent or null → `None`).
fn opt_text(args: &[Value], i: usize, name: &str) -> Result<Option<String>> {
    match args.get(i) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => text_arg(args, i, name).map(Some),
    }
}

/// Bytes as text, one character per byte (what a "binary" output holds).
fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Lenient Base64 decoding: whitespace ignored, padding optional, URL-safe
/// alphabet accepted.
pub(crate) fn decode_base64(text: &str, name: &str) -> Result<Vec<u8>> {
    let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let alphabet =
        if clean.contains(['-', '_']) { &alphabet::URL_SAFE } else { &alphabet::STANDARD };
    match GeneralPurpose::new(alphabet, config).decode(clean.as_bytes()) {
        Ok(bytes) => Ok(bytes),
        Err(e) => fail(format!("zoho.encryption.{name}: the text is not valid Base64 ({e})")),
    }
}

/// `zoho.encryption.base64Encode(text or file)`: standard Base64 of the text's UTF-8 bytes or
/// of the file's bytes.
/// <https://www.zoho.com/deluge/help/encryption-tasks/base-64-encode.html>
fn base64_encode(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    if let Some(Value::File(f)) = args.first() {
        ctx.reserve_text(f.len().div_ceil(3).saturating_mul(4))?;
        return Ok(Value::text(STANDARD.encode(f.bytes())));
    }
    let text = text_arg(args, 0, "base64Encode")?;
    Ok(Value::text(STANDARD.encode(text.as_bytes())))
}

/// `zoho.encryption.base64Decode(text[, charset])`: the decoded bytes read as
/// UTF-8 (default), UTF-16LE, UTF-16BE, UTF-16 (BOM, else big-endian) or
/// ISO-8859-1. Invalid sequences become U+FFFD, as in Java.
/// <https://www.zoho.com/deluge/help/functions/encryption/base64decode.html>
fn base64_decode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let text = text_arg(args, 0, "base64Decode")?;
    let charset = opt_text(args, 1, "base64Decode")?.unwrap_or_else(|| "UTF-8".into());
    let bytes = decode_base64(&text, "base64Decode")?;
    let cs = charset.trim().to_ascii_uppercase().replace('_', "-");
    let out = match cs.as_str() {
        "UTF-8" | "UTF8" => String::from_utf8_lossy(&bytes).into_owned(),
        "UTF-16LE" => utf16(&bytes, false),
        "UTF-16BE" => utf16(&bytes, true),
        "UTF-16" => match bytes.as_slice() {
            [0xFF, 0xFE, rest @ ..] => utf16(rest, false),
            [0xFE, 0xFF, rest @ ..] => utf16(rest, true),
            _ => utf16(&bytes, true),
        },
        "ISO-8859-1" | "LATIN1" | "US-ASCII" | "ASCII" => latin1(&bytes),
        _ => return fail(format!("zoho.encryption.base64Decode: unsupported charset '{charset}'")),
    };
    Ok(Value::text(out))
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units = bytes.chunks(2).map(|c| match (c, big_endian) {
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        _ => 0xFFFD,
    });
    char::decode_utf16(units).map(|r| r.unwrap_or('\u{FFFD}')).collect()
}

/// `zoho.encryption.urlEncode(text)`: `application/x-www-form-urlencoded`
/// encoding as Java's URLEncoder does it (space → `+`; letters, digits and
/// `.-*_` kept; everything else `%XX` of its UTF-8 bytes). Null → null.
/// <https://www.zoho.com/deluge/help/functions/encryption/urlencode.html>
fn url_encode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    if matches!(args.first(), None | Some(Value::Null)) {
        return Ok(Value::Null);
    }
    let text = text_arg(args, 0, "urlEncode")?;
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' | b'*' | b'_' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => {
                const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(DIGITS[usize::from(b >> 4)]));
                out.push(char::from(DIGITS[usize::from(b & 15)]));
            }
        }
    }
    Ok(Value::text(out))
}

/// `zoho.encryption.urlDecode(text)`: reverses `urlEncode` (`+` → space, `%XX`
/// → byte, bytes read as UTF-8); non-text input gives null; a broken `%`
/// escape is an error.
/// <https://zoho.com/deluge/help/functions/encryption/urldecode.html>
fn url_decode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let Some(Value::Text(text)) = args.first() else { return Ok(Value::Null) };
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.get(i + 1).and_then(|c| char::from(*c).to_digit(16));
                let lo = bytes.get(i + 2).and_then(|c| char::from(*c).to_digit(16));
                match (hi, lo) {
                    (Some(h), Some(l)) => out.push((h * 16 + l) as u8),
                    _ => {
                        return fail(format!(
                            "zoho.encryption.urlDecode: invalid escape at position {i} in '{text}'"
                        ));
                    }
                }
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    Ok(Value::text(String::from_utf8_lossy(&out)))
}

/// Formats a digest as `hex` (default) or `binary`.
fn digest_out(bytes: &[u8], args: &[Value], name: &str) -> Result<Value> {
    let format = opt_text(args, 1, name)?.unwrap_or_else(|| "hex".into());
    match format.trim().to_ascii_lowercase().as_str() {
        "hex" => Ok(Value::text(hex(bytes))),
        "binary" => Ok(Value::text(latin1(bytes))),
        _ => fail(format!(
            "zoho.encryption.{name}: output type must be \"hex\" or \"binary\", got '{format}'"
        )),
    }
}

/// `zoho.encryption.sha256(text[, "hex" | "binary"])`: SHA-256, hex by default.
/// <https://www.zoho.com/deluge/help/encryption/sha256.html>
fn sha256(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let text = text_arg(args, 0, "sha256")?;
    digest_out(&sha2::Sha256::digest(text.as_bytes()), args, "sha256")
}

/// `zoho.encryption.sha1(text)`: SHA-1 in hex.
/// <https://www.zoho.com/deluge/help/encryption/sha1.html>
fn sha1(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let text = text_arg(args, 0, "sha1")?;
    digest_out(&sha1::Sha1::digest(text.as_bytes()), args, "sha1")
}

/// `zoho.encryption.md5(text)`: MD5 in hex.
fn md5(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let text = text_arg(args, 0, "md5")?;
    digest_out(&md5::Md5::digest(text.as_bytes()), args, "md5")
}

/// Formats a MAC as `base64` (default), `hex` or `binary`.
fn mac_out(bytes: &[u8], args: &[Value], name: &str) -> Result<Value> {
    let format = opt_text(args, 2, name)?.unwrap_or_else(|| "base64".into());
    match format.trim().to_ascii_lowercase().as_str() {
        "base64" => Ok(Value::text(STANDARD.encode(bytes))),
        "hex" => Ok(Value::text(hex(bytes))),
        "binary" => Ok(Value::text(latin1(bytes))),
        _ => fail(format!(
            "zoho.encryption.{name}: output type must be \"base64\", \"hex\" or \"binary\", got '{format}'"
        )),
    }
}

fn hmac_of<M: Mac + hmac::digest::KeyInit>(args: &[Value], name: &str) -> Result<Value> {
    let key = text_arg(args, 0, name)?;
    let data = text_arg(args, 1, name)?;
    let Ok(mut mac) = <M as hmac::digest::KeyInit>::new_from_slice(key.as_bytes()) else {
        return fail(format!("zoho.encryption.{name}: invalid key"));
    };
    mac.update(data.as_bytes());
    mac_out(&mac.finalize().into_bytes(), args, name)
}

/// `zoho.encryption.hmacsha256(key, text[, "base64" | "hex" | "binary"])`: HMAC-SHA256, Base64 by default.
/// <https://www.zoho.com/deluge/help/encryption/hmac-sha256.html>
fn hmac_sha256(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    hmac_of::<Hmac<sha2::Sha256>>(args, "hmacsha256")
}

/// `zoho.encryption.hmacsha1(key, text[, output])`: HMAC-SHA1, Base64 by default.
/// <https://www.zoho.com/deluge/help/encryption/hmac-sha1.html>
fn hmac_sha1(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    hmac_of::<Hmac<sha1::Sha1>>(args, "hmacsha1")
}

/// `zoho.encryption.hmacmd5(key, text[, output])`: HMAC-MD5, Base64 by default.
fn hmac_md5(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    hmac_of::<Hmac<md5::Md5>>(args, "hmacmd5")
}

/// The key text zero-padded to `len` bytes.
fn aes_key(args: &[Value], len: usize, name: &str) -> Result<Vec<u8>> {
    let key = text_arg(args, 0, name)?;
    let mut bytes = key.into_bytes();
    if bytes.len() > len {
        return fail(format!("zoho.encryption.{name}: the key must be at most {len} bytes"));
    }
    bytes.resize(len, 0);
    Ok(bytes)
}

/// The optional IV (argument 3): exactly 16 bytes of text.
fn aes_iv(args: &[Value], name: &str) -> Result<Option<[u8; 16]>> {
    let Some(iv) = opt_text(args, 2, name)? else { return Ok(None) };
    match <[u8; 16]>::try_from(iv.as_bytes()) {
        Ok(iv) => Ok(Some(iv)),
        Err(_) => {
            fail(format!("zoho.encryption.{name}: the IV must be 16 characters, got {}", iv.len()))
        }
    }
}

/// The optional iteration count (argument 4) of the 128-bit variants: only 0
/// is supported (Zoho does not document how the key is derived otherwise).
fn check_iterations(args: &[Value], name: &str) -> Result<()> {
    match args.get(3) {
        None | Some(Value::Null) => Ok(()),
        Some(_) => match super::arg_int(args, 3) {
            Ok(0) => Ok(()),
            _ => fail(format!(
                "zoho.encryption.{name}: an iteration count other than 0 is not supported outside Zoho"
            )),
        },
    }
}

fn aes_encrypt(ctx: &mut Ctx<'_>, args: &[Value], key_len: usize, name: &str) -> Result<Value> {
    let key = aes_key(args, key_len, name)?;
    let data = text_arg(args, 1, name)?;
    let given = aes_iv(args, name)?;
    let iv = match given {
        Some(iv) => iv,
        None => {
            let mut iv = [0u8; 16];
            iv[..8].copy_from_slice(&ctx.next_random().to_le_bytes());
            iv[8..].copy_from_slice(&ctx.next_random().to_le_bytes());
            iv
        }
    };
    let ct = match key_len {
        16 => cbc::Encryptor::<Aes128>::new_from_slices(&key, &iv)
            .map(|c| c.encrypt_padded_vec_mut::<Pkcs7>(data.as_bytes())),
        _ => cbc::Encryptor::<Aes256>::new_from_slices(&key, &iv)
            .map(|c| c.encrypt_padded_vec_mut::<Pkcs7>(data.as_bytes())),
    };
    let Ok(ct) = ct else {
        return fail(format!("zoho.encryption.{name}: invalid key or IV length"));
    };
    let out = match given {
        Some(_) => ct,
        None => [iv.as_slice(), &ct].concat(),
    };
    Ok(Value::text(STANDARD.encode(out)))
}

fn aes_decrypt(args: &[Value], key_len: usize, name: &str) -> Result<Value> {
    let key = aes_key(args, key_len, name)?;
    let data = decode_base64(&text_arg(args, 1, name)?, name)?;
    let (iv, ct) = match aes_iv(args, name)? {
        Some(iv) => (iv, data.as_slice()),
        None => match data.split_first_chunk::<16>() {
            Some((iv, rest)) => (*iv, rest),
            None => {
                return fail(format!("zoho.encryption.{name}: the encrypted text is too short"))
            }
        },
    };
    let pt = match key_len {
        16 => cbc::Decryptor::<Aes128>::new_from_slices(&key, &iv)
            .map(|c| c.decrypt_padded_vec_mut::<Pkcs7>(ct)),
        _ => cbc::Decryptor::<Aes256>::new_from_slices(&key, &iv)
            .map(|c| c.decrypt_padded_vec_mut::<Pkcs7>(ct)),
    };
    match pt {
        Ok(Ok(pt)) => Ok(Value::text(String::from_utf8_lossy(&pt))),
        _ => fail(format!(
            "zoho.encryption.{name}: decryption failed (wrong key or IV, or corrupted text)"
        )),
    }
}

/// `zoho.encryption.aesEncode(key, text[, iv])`: AES-256-CBC, Base64 output.
/// <https://zoho.com/deluge/help/functions/encryption/aesencode.html>
fn aes_encode(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    aes_encrypt(ctx, args, 32, "aesEncode")
}

/// `zoho.encryption.aesDecode(key, encrypted[, iv])`: reverses `aesEncode`.
/// <https://www.zoho.com/creator/help/script/built-in-functions/built-in-function-aes-decrypt.html>
fn aes_decode(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    aes_decrypt(args, 32, "aesDecode")
}

/// `zoho.encryption.aesEncode128(key, text[, iv][, iterations])`: AES-128-CBC.
/// <https://zoho.com/deluge/help/functions/encryption/aesencode128.html>
fn aes_encode128(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    check_iterations(args, "aesEncode128")?;
    aes_encrypt(ctx, args, 16, "aesEncode128")
}

/// `zoho.encryption.aesDecode128(key, encrypted[, iv][, iterations])`.
/// <https://zoho.com/deluge/help/functions/encryption/aesdecode128.html>
fn aes_decode128(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    check_iterations(args, "aesDecode128")?;
    aes_decrypt(args, 16, "aesDecode128")
}

#[cfg(test)]
mod tests {
    use crate::error::Result;
    use crate::Value;

    fn call(name: &str, args: &[Value]) -> Result<Value> {
        crate::builtins::testing::call(&format!("zoho.encryption.{name}"), args)
    }

    fn ok(name: &str, args: &[&str]) -> String {
        let args: Vec<Value> = args.iter().map(|s| Value::text(*s)).collect();
        match call(name, &args) {
            Ok(Value::Text(s)) => s.to_string(),
            other => panic!("{name}: {other:?}"),
        }
    }

    fn err(name: &str, args: &[Value]) -> String {
        match call(name, args) {
            Ok(v) => panic!("{name} should fail, got {v:?}"),
            Err(e) => e.message().to_string(),
        }
    }

    fn t(s: &str) -> Value {
        Value::text(s)
    }

    #[test]
    fn base64_round_trip_and_charsets() {
        assert_eq!(ok("base64Encode", &["john@zylker.com"]), "am9obkB6eWxrZXIuY29t");
        assert_eq!(ok("base64Decode", &["am9obkB6eWxrZXIuY29t"]), "john@zylker.com");
        assert_eq!(ok("base64Decode", &["am9obkB6eWxrZXIuY29t", "utf-8"]), "john@zylker.com");
        assert_eq!(ok("base64Encode", &["é✓"]), "w6ninJM=");
        assert_eq!(ok("base64Decode", &["w6nin JM"]), "é✓");
        assert_eq!(ok("base64Decode", &["aABpAA==", "UTF-16LE"]), "hi");
        assert_eq!(ok("base64Decode", &["AGgAaQ==", "UTF-16BE"]), "hi");
        assert_eq!(ok("base64Decode", &["//5oAA==", "UTF-16"]), "h");
        assert_eq!(ok("base64Decode", &["AGg=", "utf_16"]), "h");
        assert_eq!(ok("base64Decode", &["_-8"]), "\u{FFFD}\u{FFFD}");
        assert_eq!(ok("base64Encode", &[""]), "");
        assert_eq!(call("base64Encode", &[Value::Int(12)]).unwrap(), t("MTI="));
        assert!(err("base64Decode", &[t("a$b")]).contains("not valid Base64"));
        assert!(err("base64Decode", &[t("aGk="), t("EBCDIC")]).contains("unsupported charset"));
        assert!(err("base64Encode", &[Value::Null]).contains("null"));
        assert!(err("base64Encode", &[]).contains("No. of arguments"));
    }

    #[test]
    fn url_encode_decode_like_java() {
        assert_eq!(ok("urlEncode", &["https://www.zoho.com"]), "https%3A%2F%2Fwww.zoho.com");
        assert_eq!(ok("urlEncode", &["a b*c~é"]), "a+b*c%7E%C3%A9");
        assert_eq!(ok("urlDecode", &["https%3A%2F%2Fwww.zoho.com"]), "https://www.zoho.com");
        assert_eq!(ok("urlDecode", &["a+b%20c%C3%A9"]), "a b cé");
        assert!(call("urlDecode", &[Value::Int(5)]).unwrap().is_null());
        assert!(call("urlEncode", &[Value::Null]).unwrap().is_null());
        assert_eq!(call("urlEncode", &[Value::Int(5)]).unwrap(), t("5"));
        assert!(err("urlDecode", &[t("100%")]).contains("invalid escape"));
        assert!(err("urlDecode", &[t("%zz")]).contains("invalid escape"));
    }

    #[test]
    fn hashes() {
        assert_eq!(
            ok("sha256", &["hello"]),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            ok("sha256", &["hello", "HEX"]),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(ok("sha256", &["hello", "binary"]).chars().count(), 32);
        assert_eq!(ok("sha1", &["hello"]), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(ok("md5", &["hello"]), "5d41402abc4b2a76b9719d911017c592");
        assert!(err("sha256", &[t("x"), t("base32")]).contains("output type"));
        assert!(err("md5", &[Value::Null]).contains("null"));
    }

    #[test]
    fn hmacs() {
        let key = "sk_5Ow7B_4eC39H";
        let data = "{Order ID: 0932, Currency: USD, Amount: 2500}";
        assert_eq!(ok("hmacsha256", &[key, data]), "E3IZY+esQ59aLmPCYYVjk2R/P1G0k77r9ZGa9Lw94Zw=");
        assert_eq!(
            ok("hmacsha256", &[key, data, "hex"]),
            "13721963e7ac439f5a2e63c261856393647f3f51b493beebf5919af4bc3de19c"
        );
        assert_eq!(ok("hmacsha256", &[key, data, "binary"]).chars().count(), 32);
        assert_eq!(ok("hmacsha1", &["key", "input"]), "hRO7NVB2zOKuXrnzmatcr9unyKI=");
        // Zoho's HMAC-SHA1 page example
        assert_eq!(
            ok("hmacsha1", &["Use me to generate hash", "My#New#Password"]),
            "VK9VMxdsbxZBLHKgSEZYMEUlURs="
        );
        assert_eq!(
            ok("hmacmd5", &["key", "The quick brown fox jumps over the lazy dog", "hex"]),
            "80070713463e7749b90c2dc24911e275"
        );
        assert!(err("hmacsha256", &[t("k"), t("d"), t("octal")]).contains("output type"));
        assert!(err("hmacsha256", &[t("k")]).contains("No. of arguments"));
    }

    #[test]
    fn aes_matches_zoho_examples() {
        let iv = "0000000000000000";
        assert_eq!(
            ok("aesEncode", &["passkey", "This is a secret", iv]),
            "AR+ygx+et18UNeIltGh82NBgPQx6Y0hWbEcgN3NVbJA="
        );
        assert_eq!(
            ok("aesDecode", &["passkey", "AR+ygx+et18UNeIltGh82NBgPQx6Y0hWbEcgN3NVbJA=", iv]),
            "This is a secret"
        );
        assert_eq!(
            ok(
                "aesDecode",
                &["passkey", "yf/u6N0HjKWXFFHIEKzG23+CM+BoL4RBPNb4mc0G3hw5q6xPe9KSpUd62Z5sjjSE"]
            ),
            "This is a secret"
        );
        assert_eq!(
            ok(
                "aesDecode",
                &["passkey", "F0JOCSWN0Eb2Y//llSoROcsQxHihYnMwCuJSywFaaigEJzQdjnznq7+rSUXy6JlG"]
            ),
            "Confidential details"
        );
    }

    #[test]
    fn aes_round_trips_and_errors() {
        let enc = ok("aesEncode", &["k", "hello wörld"]);
        assert_eq!(ok("aesDecode", &["k", &enc]), "hello wörld");
        let enc = ok("aesEncode128", &["sixteen-byte-key", "x"]);
        assert_eq!(ok("aesDecode128", &["sixteen-byte-key", &enc]), "x");
        let enc = ok("aesEncode128", &["k", "x", "abcdefghijklmnop"]);
        assert_eq!(ok("aesDecode128", &["k", &enc, "abcdefghijklmnop"]), "x");
        assert_eq!(
            call("aesDecode128", &[t("k"), t(&enc), t("abcdefghijklmnop"), Value::Int(0)]).unwrap(),
            t("x")
        );
        assert!(err("aesEncode128", &[t("k"), t("x"), Value::Null, Value::Int(5)])
            .contains("iteration count"));
        assert!(err("aesDecode128", &[t("k"), t(&enc), t("abcdefghijklmnop"), t("3")])
            .contains("iteration count"));
        assert!(err("aesEncode128", &[t("this key is far too long"), t("x")])
            .contains("at most 16 bytes"));
        assert!(err("aesEncode", &[t("k"), t("x"), t("short")]).contains("IV must be 16"));
        assert!(err(
            "aesDecode",
            &[t("wrong"), t("AR+ygx+et18UNeIltGh82NBgPQx6Y0hWbEcgN3NVbJA="), t("0000000000000000")]
        )
        .contains("decryption failed"));
        assert!(err("aesDecode", &[t("k"), t("AAAA")]).contains("too short"));
        assert!(err("aesDecode", &[t("k"), t("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")])
            .contains("decryption failed"));
        assert!(err("aesDecode", &[t("k"), t("!!")]).contains("not valid Base64"));
    }
}
