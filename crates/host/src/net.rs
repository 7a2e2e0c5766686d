//! Real HTTP on a current-thread tokio runtime owned by the host. The registry
//! authenticates and sends (its client follows redirects itself, dropping the
//! credential at any host outside the service); this adds the timeout and size cap.

use dg_connections::{Body, Method, OutgoingRequest, Registry};
use dg_runtime::{HttpBody, HttpRequest, HttpResponse, MultipartPart};

pub(crate) struct Net {
    rt: tokio::runtime::Runtime,
}

impl Net {
    pub(crate) fn new() -> Result<Net, String> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime: {e}"))?;
        Ok(Net { rt })
    }

    pub(crate) fn send(
        &mut self,
        registry: &Registry,
        req: &HttpRequest,
    ) -> Result<HttpResponse, String> {
        let method = Method::from_bytes(req.method.as_bytes())
            .map_err(|_| format!("invalid method {}", req.method))?;
        let mut out = OutgoingRequest::parse(method, &req.url).map_err(|e| e.to_string())?;
        out.headers = req.headers.clone();
        out.body = match &req.body {
            HttpBody::None => Body::Empty,
            HttpBody::Text(t) => Body::Bytes(t.clone().into_bytes()),
            HttpBody::Form(f) => Body::Form(f.clone()),
            HttpBody::Bytes(b) => Body::Bytes(b.clone()),
            HttpBody::Multipart(parts) => {
                let (content_type, bytes) = multipart(parts);
                out.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("content-type"));
                out.headers.push(("Content-Type".into(), content_type));
                Body::Bytes(bytes)
            }
        };
        let timeout = req.timeout;
        let max = req.max_response_bytes;
        let link = req.connection.clone();
        self.rt.block_on(async move {
            let resp = tokio::time::timeout(timeout, registry.send(link.as_deref(), out))
                .await
                .map_err(|_| "socket timeout error".to_string())?
                .map_err(|e| e.to_string())?;
            let status = resp.status().as_u16();
            let headers = resp
                .headers()
                .iter()
                .map(|(k, v)| {
                    (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned())
                })
                .collect();
            let mut resp = resp;
            let mut body = Vec::new();
            while let Some(chunk) = tokio::time::timeout(timeout, resp.chunk())
                .await
                .map_err(|_| "socket timeout error".to_string())?
                .map_err(|e| format!("reading the response failed: {}", e.without_url()))?
            {
                body.extend_from_slice(&chunk);
                if body.len() > max {
                    return Err(format!("the response exceeds the limit of {max} bytes"));
                }
            }
            Ok(HttpResponse { status, headers, body })
        })
    }
}

/// A `multipart/form-data` body and its content type. The boundary is chosen so that no part
/// contains it.
pub(crate) fn multipart(parts: &[MultipartPart]) -> (String, Vec<u8>) {
    let mut n = 0u32;
    let boundary = loop {
        let candidate = format!("----dg-boundary-{n:08x}");
        let needle = candidate.as_bytes();
        if !parts.iter().any(|p| p.content.windows(needle.len()).any(|w| w == needle)) {
            break candidate;
        }
        n += 1;
    };
    let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"").replace(['\r', '\n'], " ");
    let mut body = Vec::new();
    for p in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition =
            format!("Content-Disposition: form-data; name=\"{}\"", quote(&p.name));
        if let Some(f) = &p.file_name {
            disposition.push_str(&format!("; filename=\"{}\"", quote(f)));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(t) = &p.content_type {
            body.extend_from_slice(
                format!("Content-Type: {}\r\n", t.replace(['\r', '\n'], " ")).as_bytes(),
            );
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(&p.content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies() {
        let parts = vec![
            MultipartPart {
                name: "file".into(),
                file_name: Some("a \"b\".txt".into()),
                content_type: Some("text/plain".into()),
                content: b"----dg-boundary-00000000 inside".to_vec(),
            },
            MultipartPart {
                name: "id".into(),
                file_name: None,
                content_type: None,
                content: b"7".to_vec(),
            },
        ];
        let (ct, body) = multipart(&parts);
        assert_eq!(ct, "multipart/form-data; boundary=----dg-boundary-00000001");
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with("------dg-boundary-00000001\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".txt\"\r\nContent-Type: text/plain\r\n\r\n"), "{text}");
        assert!(text.contains("name=\"id\"\r\n\r\n7\r\n"));
        assert!(text.ends_with("------dg-boundary-00000001--\r\n"));
    }
}
