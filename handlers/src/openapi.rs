//! `GET /api/openapi.json`: the OpenAPI 3.1 document of the remote-control API.
//!
//! The document is written by hand (`openapi.json` beside this file) rather than generated: the
//! API is four operations whose bodies are parsed by hand (absent vs `null`, trimmed text), and
//! a document that says exactly what the handlers accept reads better than derive attributes
//! spread over them. It is kept in step by the tests below — every `/api/*` route of the table
//! has its operation and every operation its route, limits match the code's constants — and by
//! schemathesis (`.ci/schemathesis.sh`), which checks every answer of a live `serve` against it.
//!
//! The document also draws the line for query strings: an `/api/*` request naming a query
//! parameter its operation does not declare is refused with 400 (as unknown JSON fields are),
//! so a typo such as `?lastStreamonly=true` is an error instead of silently ignored.
//!
//! Authentication is Basic (username:stream key) or Bearer (a scoped API token, see
//! [`crate::api_auth`]); a token without an operation's scope gets 403.

use crate::request::query_pairs;
use crate::respond::{json_error, with_body, HandlerResult, JSON};
use crate::{Ctx, Params};
use bytes::Bytes;
use http::{Request, Response, StatusCode};
use serde_json::Value;
use std::sync::OnceLock;

/// The document, as served.
pub const DOCUMENT: &str = include_str!("openapi.json");

/// `GET /api/openapi.json`: public, like any API description.
pub async fn document(_ctx: Ctx, _req: Request<Bytes>, _p: Params) -> HandlerResult {
    Ok(with_body(StatusCode::OK, JSON, DOCUMENT))
}

/// The parsed document (compiled in, so parsing it cannot fail at run time: a unit test parses it).
fn parsed() -> &'static Value {
    static PARSED: OnceLock<Value> = OnceLock::new();
    PARSED.get_or_init(|| serde_json::from_str(DOCUMENT).unwrap_or(Value::Null))
}

/// The query parameters the document declares for `method` on the route `path` (a table path).
fn declared_query(path: &str, method: &http::Method) -> Vec<&'static str> {
    let op = &parsed()["paths"][path][method.as_str().to_ascii_lowercase()];
    op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
        .filter_map(|p| p["name"].as_str())
        .collect()
}

/// 400 when the request names a query parameter the document does not declare for it (the
/// `/api/*` paths have no parameters, so the request's path is the document's).
pub fn undeclared_query(req: &Request<Bytes>) -> Option<Response<Bytes>> {
    let declared = declared_query(req.uri().path(), req.method());
    let unknown = query_pairs(req)
        .into_iter()
        .any(|(k, _)| !declared.contains(&k.as_str()));
    unknown.then(|| {
        let expected = if declared.is_empty() {
            "none".to_string()
        } else {
            declared.join(", ")
        };
        json_error(
            StatusCode::BAD_REQUEST,
            &format!("unknown query parameter (this operation takes: {expected})"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::{declared_query, DOCUMENT};
    use crate::routes;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn doc() -> Value {
        serde_json::from_str(DOCUMENT).expect("openapi.json is JSON")
    }

    #[test]
    fn every_api_route_has_its_operation_and_no_other_is_described() {
        let doc = doc();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        let table: BTreeSet<(String, String, String)> = routes()
            .iter()
            .filter(|r| r.path.starts_with("/api/"))
            .map(|r| {
                let method = r.method.as_str().to_ascii_lowercase();
                (r.path.to_string(), method, r.name.to_string())
            })
            .collect();
        let mut described = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                described.insert((path.clone(), method.clone(), id));
                assert!(op["responses"].as_object().is_some_and(|r| !r.is_empty()));
            }
        }
        assert_eq!(
            table, described,
            "handlers/src/openapi.json and the route table differ (path, method, route name)"
        );
    }

    #[test]
    fn protected_operations_take_basic_or_bearer_and_document_refusals() {
        let doc = doc();
        let basic = &doc["components"]["securitySchemes"]["basic"];
        assert_eq!(
            (&basic["type"], &basic["scheme"]),
            (&"http".into(), &"basic".into())
        );
        let bearer = &doc["components"]["securitySchemes"]["bearer"];
        assert_eq!(
            (&bearer["type"], &bearer["scheme"]),
            (&"http".into(), &"bearer".into())
        );
        assert_eq!(
            doc["security"],
            serde_json::json!([{ "basic": [] }, { "bearer": [] }])
        );
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if op.get("security") == Some(&serde_json::json!([])) {
                    continue;
                }
                for status in ["200", "401", "403", "429"] {
                    assert!(
                        !op["responses"][status].is_null(),
                        "{method} {path}: {status}"
                    );
                }
            }
        }
    }

    #[test]
    fn limits_match_the_code_and_every_reference_resolves() {
        let doc = doc();
        let message = &doc["components"]["schemas"]["NewMessage"]["properties"]["message"];
        assert_eq!(
            message["maxLength"].as_u64(),
            Some(rsstreaming_shared::text::MAX_MESSAGE_LEN as u64)
        );
        let mut refs = Vec::new();
        collect_refs(&doc, &mut refs);
        assert!(!refs.is_empty());
        for r in refs {
            let pointer = r.strip_prefix('#').expect("local reference");
            assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
        }
    }

    #[test]
    fn declared_query_parameters_come_from_the_document() {
        let get = http::Method::GET;
        assert_eq!(
            declared_query("/api/messages", &get),
            ["limit", "lastStreamOnly"]
        );
        assert!(declared_query("/api/info", &get).is_empty());
        assert!(declared_query("/api/nothing", &get).is_empty());
    }

    fn collect_refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r.clone());
                }
                m.values().for_each(|v| collect_refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
            _ => {}
        }
    }
}
