//! FILE values: a name, a content type and bytes (what `invokeurl` downloads, `toFile` and
//! `zoho.encryption.base64DecodeToFile` build, and `zoho.crm.attachFile` uploads).
//!
//! A file is shared like a list or a map (`Value::File` holds an `Rc`), so copying one is
//! cheap. Its bytes never change; its name, content type and multipart parameter name can
//! (`setFileName`, `setFileType`, `setParamName`), and every reference sees the change.

use std::cell::RefCell;

/// The contents and metadata of one FILE value.
pub struct File {
    meta: RefCell<Meta>,
    bytes: Vec<u8>,
}

#[derive(Clone)]
struct Meta {
    name: String,
    content_type: String,
    param_name: Option<String>,
}

impl File {
    /// A file called `name` holding `bytes`; the content type is `content_type`, or guessed
    /// from the name's extension when `None` ([`content_type_for`]).
    pub fn new(name: impl Into<String>, content_type: Option<String>, bytes: Vec<u8>) -> File {
        let name = name.into();
        let content_type = content_type
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| content_type_for(&name).to_string());
        File { meta: RefCell::new(Meta { name, content_type, param_name: None }), bytes }
    }

    /// The file name (`getFileName`).
    pub fn name(&self) -> String {
        self.meta.borrow().name.clone()
    }

    /// The MIME type (`getFileType`), e.g. `application/pdf`.
    pub fn content_type(&self) -> String {
        self.meta.borrow().content_type.clone()
    }

    /// The multipart form field the file is sent as (`setParamName`); `None` means `file`.
    pub fn param_name(&self) -> Option<String> {
        self.meta.borrow().param_name.clone()
    }

    /// The content.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Size in bytes (`getFileSize`).
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub(crate) fn set_name(&self, name: String) {
        self.meta.borrow_mut().name = name;
    }

    pub(crate) fn set_content_type(&self, content_type: String) {
        self.meta.borrow_mut().content_type = content_type;
    }

    pub(crate) fn set_param_name(&self, name: String) {
        self.meta.borrow_mut().param_name = Some(name);
    }

    /// Same name, content type and bytes.
    pub(crate) fn same_as(&self, other: &File) -> bool {
        let (a, b) = (self.meta.borrow(), other.meta.borrow());
        a.name == b.name && a.content_type == b.content_type && self.bytes == other.bytes
    }
}

impl std::fmt::Debug for File {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let meta = self.meta.borrow();
        write!(f, "File({:?}, {:?}, {} bytes)", meta.name, meta.content_type, self.bytes.len())
    }
}

/// The MIME type for a file name's extension (ignoring case); `application/octet-stream` for
/// names without a known extension.
pub fn content_type_for(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    mime_for_extension(&ext).unwrap_or("application/octet-stream")
}

/// The MIME type of a bare extension (`pdf`, `CSV`), if it is a common one.
pub fn mime_for_extension(ext: &str) -> Option<&'static str> {
    Some(match ext.to_ascii_lowercase().as_str() {
        "txt" | "text" | "log" => "text/plain",
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "htm" | "html" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "xml" => "application/xml",
        "md" => "text/markdown",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "mp3" => "audio/mpeg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "rtf" => "application/rtf",
        "bin" => "application/octet-stream",
        _ => return None,
    })
}

/// Whether a response with this `Content-Type` is text a script reads as TEXT (or JSON it
/// reads as a map or list) rather than a FILE: `text/*`, JSON, XML, JavaScript, form
/// encoding, or no content type at all.
pub fn is_text_content_type(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    mime.is_empty()
        || mime.starts_with("text/")
        || matches!(
            mime.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/x-javascript"
                | "application/ecmascript"
                | "application/x-www-form-urlencoded"
                | "application/graphql"
        )
        || mime.ends_with("+json")
        || mime.ends_with("+xml")
}

/// The file name a `Content-Disposition` header gives (`filename*=UTF-8''…` preferred over
/// `filename="…"`), if any.
pub fn disposition_file_name(header: &str) -> Option<String> {
    let mut plain = None;
    for param in header.split(';').skip(1) {
        let Some((key, value)) = param.split_once('=') else { continue };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if key == "filename*" {
            // RFC 5987: charset'language'percent-encoded
            let encoded = value.splitn(3, '\'').nth(2).unwrap_or(value);
            let decoded = percent_decode(encoded);
            if !decoded.is_empty() {
                return Some(decoded);
            }
        } else if key == "filename" {
            let unquoted =
                value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
            let unquoted = unquoted.replace("\\\"", "\"");
            if !unquoted.is_empty() {
                plain = Some(unquoted);
            }
        }
    }
    plain
}

/// The last non-empty path segment of a URL (query and fragment dropped, percent-decoded), or
/// `None` for a URL without a path.
pub fn url_file_name(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let path = rest.split(['?', '#']).next().unwrap_or("");
    let (_, path) = path.split_once('/')?;
    let last = path.rsplit('/').find(|s| !s.is_empty())?;
    let name = percent_decode(last);
    (!name.is_empty()).then_some(name)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied(), bytes.get(i + 2).copied()) {
            (b'%', Some(h), Some(l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_from_names() {
        assert_eq!(content_type_for("Report.PDF"), "application/pdf");
        assert_eq!(content_type_for("notes.txt"), "text/plain");
        assert_eq!(content_type_for("archive"), "application/octet-stream");
        assert_eq!(content_type_for("x.unknownext"), "application/octet-stream");
    }

    #[test]
    fn text_or_file_responses() {
        assert!(is_text_content_type(None));
        assert!(is_text_content_type(Some("application/json;charset=UTF-8")));
        assert!(is_text_content_type(Some("text/csv")));
        assert!(is_text_content_type(Some("application/vnd.api+json")));
        assert!(!is_text_content_type(Some("application/pdf")));
        assert!(!is_text_content_type(Some("image/png")));
        assert!(!is_text_content_type(Some("application/octet-stream")));
    }

    #[test]
    fn names_from_headers_and_urls() {
        assert_eq!(
            disposition_file_name(r#"attachment; filename="q1 report.pdf""#).as_deref(),
            Some("q1 report.pdf")
        );
        assert_eq!(
            disposition_file_name("attachment; filename=a.pdf; filename*=UTF-8''%C3%A9t%C3%A9.pdf")
                .as_deref(),
            Some("été.pdf")
        );
        assert_eq!(disposition_file_name("inline"), None);
        assert_eq!(
            url_file_name("https://files.example.com/docs/Invoice%201.pdf?sig=x#p").as_deref(),
            Some("Invoice 1.pdf")
        );
        assert_eq!(url_file_name("https://files.example.com/a/b/").as_deref(), Some("b"));
        assert_eq!(url_file_name("https://files.example.com"), None);
        assert_eq!(url_file_name("https://files.example.com/"), None);
    }
}
