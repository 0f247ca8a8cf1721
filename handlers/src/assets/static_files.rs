//! `GET /static/{*path}`: the embedded front-end files, as brotli or gzip when the client takes
//! it (copies precomputed at build time, see [`super::encoding`]), with `Vary: Accept-Encoding`,
//! a strong ETag per encoding and 304 for a matching `If-None-Match`. `serve --debug` reads the
//! source tree and sends it as it is.

use super::embedded::static_file;
use super::encoding::{has_copies, negotiate};
use crate::request::{field, query_pairs};
use crate::respond::{self, not_found, HandlerResult};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{header, Request, Response, StatusCode};

/// A year: the URL changes with the contents, so a versioned URL never goes stale.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn static_asset(ctx: Ctx, req: Request<Bytes>, params: Params) -> HandlerResult {
    let Some(path) = params.get("path") else {
        return Ok(not_found());
    };
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let Some(asset) = static_file(&path, ctx.debug) else {
        return Ok(not_found());
    };
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok());
    let coding = if ctx.debug {
        None
    } else {
        negotiate(&path, accept)
    };
    let suffix = coding.map_or("", |(c, _)| c.etag_suffix());
    let etag = format!("\"{}{suffix}\"", asset.hash);
    let versioned = field(&query_pairs(&req), "v") == Some(asset.hash.as_str());
    let cache = if versioned && !ctx.debug {
        IMMUTABLE
    } else {
        "no-cache"
    };
    let not_modified = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut r = if not_modified {
        let mut r = Response::new(Bytes::new());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let mime = mime_guess::from_path(path.as_ref()).first_or_octet_stream();
        let body = match coding {
            Some((_, bytes)) => Bytes::from_static(bytes),
            None => Bytes::from(asset.data.into_owned()),
        };
        let mut r = Response::new(body);
        if let Some((c, _)) = coding {
            respond::set_header(&mut r, header::CONTENT_ENCODING, c.name());
        }
        respond::set_header(&mut r, header::CONTENT_TYPE, mime.essence_str());
        if mime.type_() == mime_guess::mime::TEXT || mime.essence_str() == "application/javascript"
        {
            respond::set_header(
                &mut r,
                header::CONTENT_TYPE,
                &format!("{}; charset=utf-8", mime.essence_str()),
            );
        }
        r
    };
    if !ctx.debug && has_copies(&path) {
        respond::set_header(&mut r, header::VARY, "Accept-Encoding");
    }
    respond::set_header(&mut r, header::ETAG, &etag);
    respond::set_header(&mut r, header::CACHE_CONTROL, cache);
    respond::set_header(
        &mut r,
        header::HeaderName::from_static("x-content-type-options"),
        "nosniff",
    );
    Ok(r)
}
