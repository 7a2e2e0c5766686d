//! FILE functions: `toFile`, `getFileContent`, `getFileName`, `getFileSize`, `getFileType`,
//! `setFileName`, `setFileType`, `setParamName`, `toBase64`, and
//! `zoho.encryption.base64DecodeToFile`.
//! References: <https://www.zoho.com/deluge/help/file-methods.html> (one page per function).
//!
//! Files share the text size limit (`Limits::max_text_bytes`): a file is checked against it
//! and against the memory budget before its bytes are built.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::{b, Builtin};
use crate::ctx::Ctx;
use crate::error::{fail, Result};
use crate::value::{mime_for_extension, File};
use crate::Value;

pub(crate) static TABLE: &[Builtin] = &[
    b!("tofile", Any, 1, 1, to_file),
    b!("getfilecontent", File, 0, 0, get_file_content),
    b!("getfilename", File, 0, 0, get_file_name),
    b!("getfilesize", File, 0, 0, get_file_size),
    b!("getfiletype", File, 0, 0, get_file_type),
    b!("setfilename", File, 1, 1, set_file_name),
    b!("setfiletype", File, 1, 1, set_file_type),
    b!("setparamname", File, 1, 1, set_param_name),
    b!("tobase64", File, 0, 0, to_base64),
    b!("zoho.encryption.base64decodetofile", None, 2, 2, base64_decode_to_file),
];

fn file(args: &[Value]) -> Result<&File> {
    match args.first() {
        Some(Value::File(f)) => Ok(f),
        // The dispatcher only calls these rows with a FILE receiver.
        _ => fail("a FILE function needs a FILE value"),
    }
}

/// A text argument: a non-empty name or type (numbers are printed).
fn name_arg(args: &[Value], i: usize, func: &str, what: &str) -> Result<String> {
    let text = match args.get(i) {
        Some(Value::Text(s)) => s.to_string(),
        Some(Value::Null) | None => return fail(format!("{func}: the {what} is null")),
        Some(v @ (Value::List(_) | Value::Map(_) | Value::File(_))) => {
            return fail(format!("{func}: the {what} must be text, not {}", v.ty().name()))
        }
        Some(v) => v.to_display(),
    };
    if text.trim().is_empty() {
        return fail(format!("{func}: the {what} is empty"));
    }
    Ok(text)
}

/// `value.toFile(name)`: a file holding the value's text (UTF-8) — a collection as `info`
/// prints it. The content type comes from the name's extension.
/// <https://www.zoho.com/deluge/help/functions/file/to-file.html>
fn to_file(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = name_arg(args, 1, "toFile", "file name")?;
    let content = match args.first() {
        Some(Value::Null) | None => return fail("cannot call 'toFile' on a null value"),
        Some(Value::File(f)) => {
            ctx.reserve_file(f.len())?;
            f.bytes().to_vec()
        }
        Some(Value::Text(s)) => {
            ctx.reserve_file(s.len())?;
            s.as_bytes().to_vec()
        }
        Some(v) => {
            let text = ctx.display(v)?;
            ctx.reserve_file(text.len())?;
            text.into_bytes()
        }
    };
    Ok(Value::file(name, None, content))
}

/// `file.getFileContent()`: the content as text (UTF-8; invalid bytes become U+FFFD, as the
/// page warns that binary files give "junk values").
/// <https://www.zoho.com/deluge/help/functions/file/tofile.html>
fn get_file_content(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let f = file(args)?;
    ctx.reserve_text(f.len())?;
    Ok(Value::text(String::from_utf8_lossy(f.bytes())))
}

/// `file.getFileName()`.
fn get_file_name(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::text(file(args)?.name()))
}

/// `file.getFileSize()`: the size in bytes, as a Number (the page types it TEXT; a Number
/// prints the same and compares as a size should).
/// <https://www.zoho.com/deluge/help/file/get-file-size.html>
fn get_file_size(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::Int(i64::try_from(file(args)?.len()).unwrap_or(i64::MAX)))
}

/// `file.getFileType()`: the MIME type (`application/pdf`).
fn get_file_type(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    Ok(Value::text(file(args)?.content_type()))
}

/// `file.setFileName(name)`: renames the file in place (every reference sees it) and returns
/// the file.
fn set_file_name(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = name_arg(args, 1, "setFileName", "file name")?;
    file(args)?.set_name(name);
    Ok(args[0].clone())
}

/// `file.setFileType(type)`: sets the content type in place and returns the file. A MIME
/// type (`application/pdf`) is kept as given; an extension (`pdf`, `.csv`) becomes its MIME
/// type; anything else is an error.
fn set_file_type(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let given = name_arg(args, 1, "setFileType", "file type")?;
    let given = given.trim();
    let content_type = if given.contains('/') {
        given.to_string()
    } else {
        match mime_for_extension(given.trim_start_matches('.')) {
            Some(mime) => mime.to_string(),
            None => {
                return fail(format!(
                    "setFileType: unknown file type '{given}' (give a MIME type such as \"application/pdf\" or an extension such as \"pdf\")"
                ))
            }
        }
    };
    file(args)?.set_content_type(content_type);
    Ok(args[0].clone())
}

/// `file.setParamName(name)`: the form field a multipart `invokeurl` sends the file as
/// (default `file`); returns the file.
fn set_param_name(_: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let name = name_arg(args, 1, "setParamName", "parameter name")?;
    file(args)?.set_param_name(name);
    Ok(args[0].clone())
}

/// `file.toBase64()`: the bytes in standard Base64 (the same as
/// `zoho.encryption.base64Encode(file)`).
fn to_base64(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    let f = file(args)?;
    ctx.reserve_text(f.len().div_ceil(3).saturating_mul(4))?;
    Ok(Value::text(STANDARD.encode(f.bytes())))
}

/// `zoho.encryption.base64DecodeToFile(text, name)`: the decoded bytes as a file called
/// `name` (content type from its extension). Invalid Base64 is an error.
fn base64_decode_to_file(ctx: &mut Ctx<'_>, args: &[Value]) -> Result<Value> {
    const FUNC: &str = "zoho.encryption.base64DecodeToFile";
    let text = match args.first() {
        Some(Value::Text(s)) => s,
        Some(Value::Null) | None => return fail(format!("{FUNC}: the Base64 text is null")),
        Some(v) => {
            return fail(format!("{FUNC}: the Base64 text must be text, not {}", v.ty().name()))
        }
    };
    let name = name_arg(args, 1, FUNC, "file name")?;
    ctx.reserve_file(text.len() / 4 * 3)?;
    let bytes = super::crypto::decode_base64(text, "base64DecodeToFile")?;
    Ok(Value::file(name, None, bytes))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{call, err, invoke, ok};
    use crate::{Limits, Value};

    fn t(s: &str) -> Value {
        Value::from(s)
    }

    fn pdf() -> Value {
        Value::file("q1.pdf", None, b"%PDF-1.4 fake".to_vec())
    }

    #[test]
    fn to_file_and_read_back() {
        let f = call("toFile", &[t("a,b\n1,2"), t("data.csv")]).unwrap();
        assert_eq!(ok("getFileName", std::slice::from_ref(&f)), "data.csv");
        assert_eq!(ok("getFileType", std::slice::from_ref(&f)), "text/csv");
        assert_eq!(ok("getFileSize", std::slice::from_ref(&f)), "7");
        assert_eq!(ok("getFileContent", std::slice::from_ref(&f)), "a,b\n1,2");
        assert_eq!(ok("isFile", std::slice::from_ref(&f)), "true");
        assert_eq!(f.to_display(), "data.csv");
        let list = Value::list(vec![t("x"), Value::Int(2)]);
        let f = call("toFile", &[list, t("l.txt")]).unwrap();
        assert_eq!(ok("getFileContent", &[f]), "x,2");
        assert!(err("toFile", &[t("x"), t(" ")]).contains("file name is empty"));
        assert!(err("toFile", &[Value::Null, t("a.txt")]).contains("null"));
    }

    #[test]
    fn setters_change_every_reference() {
        let f = pdf();
        let same = f.clone();
        call("setFileName", &[f.clone(), t("renamed.pdf")]).unwrap();
        assert_eq!(ok("getFileName", std::slice::from_ref(&same)), "renamed.pdf");
        call("setFileType", &[f.clone(), t("png")]).unwrap();
        assert_eq!(ok("getFileType", std::slice::from_ref(&same)), "image/png");
        call("setFileType", &[f.clone(), t("application/x-custom")]).unwrap();
        assert_eq!(ok("getFileType", std::slice::from_ref(&same)), "application/x-custom");
        assert!(err("setFileType", &[f.clone(), t("nonsense")]).contains("unknown file type"));
        let back = call("setParamName", &[f.clone(), t("attachment")]).unwrap();
        assert_eq!(back.as_file().and_then(|f| f.param_name()).as_deref(), Some("attachment"));
    }

    #[test]
    fn base64_both_ways() {
        let f = call("zoho.encryption.base64DecodeToFile", &[t("aGVsbG8="), t("hi.txt")]).unwrap();
        assert_eq!(ok("getFileContent", std::slice::from_ref(&f)), "hello");
        assert_eq!(ok("toBase64", std::slice::from_ref(&f)), "aGVsbG8=");
        assert_eq!(ok("zoho.encryption.base64Encode", &[f]), "aGVsbG8=");
        let bad = err("zoho.encryption.base64DecodeToFile", &[t("a$b"), t("x.bin")]);
        assert!(bad.contains("not valid Base64"), "{bad}");
        assert!(err("getFileName", &[t("x.pdf")]).contains("not applicable to a TEXT"));
    }

    #[test]
    fn files_share_the_text_limit() {
        let limits = Limits { max_text_bytes: 8, ..Limits::default() };
        let e = invoke(limits, "UTC", 1, "toFile", &[t("0123456789"), t("big.txt")]);
        let e = e.map(|v| v.to_display()).unwrap_err();
        assert!(e.message().contains("a file of 10 bytes"), "{}", e.message());
        let limits = Limits { max_text_bytes: 8, ..Limits::default() };
        let e = invoke(
            limits,
            "UTC",
            1,
            "zoho.encryption.base64DecodeToFile",
            &[t("MDEyMzQ1Njc4OTAxMjM0NQ=="), t("big.bin")],
        );
        let e = e.map(|v| v.to_display()).unwrap_err();
        assert!(e.message().contains("a file of"), "{}", e.message());
    }
}
