//! Rendering the HTML templates with minijinja.
//!
//! Every page gets `theme`, `themes`, the `asset(path)` function and `importmap()` (the import map
//! of our JS modules at their cache-busting URLs); each page adds its own
//! context (documented in the templates' headers). HTML autoescaping is on for `.html` files.

use super::embedded;
use crate::Ctx;
use minijinja::{context, Environment, Value};
use std::sync::OnceLock;

/// The environment over the embedded templates. Built once: it holds only what is compiled
/// into the binary (no request or store data), so sharing it keeps handlers stateless.
static EMBEDDED: OnceLock<Environment<'static>> = OnceLock::new();

fn build(debug: bool) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(move |name| Ok(embedded::template_source(name, debug)));
    env.add_function("asset", move |path: &str| asset_url(path, debug));
    env.add_function("importmap", move || importmap(debug));
    env
}

/// The import map's JSON: each module's plain URL (as modules import each other) mapped to its
/// cache-busting one, so a changed module is fetched anew even when it is imported, not linked.
fn importmap(debug: bool) -> String {
    let imports: serde_json::Map<String, serde_json::Value> = embedded::script_modules()
        .into_iter()
        .map(|path| (format!("/static/{path}"), asset_url(&path, debug).into()))
        .collect();
    script_json(&serde_json::json!({ "imports": imports }))
}

/// `/static/{path}?v={hash}` (without `v` for a file that does not exist).
pub fn asset_url(path: &str, debug: bool) -> String {
    let path = path.trim_start_matches('/');
    match embedded::static_hash(path, debug) {
        Some(hash) => format!("/static/{path}?v={hash}"),
        None => format!("/static/{path}"),
    }
}

/// Renders template `name` with the page's own context plus the site-wide values.
pub fn render(ctx: &Ctx, name: &str, page: Value) -> Result<String, minijinja::Error> {
    let full = context! {
        theme => ctx.config.default_theme(),
        themes => &ctx.config.themes,
        ..page
    };
    if ctx.debug {
        build(true).get_template(name)?.render(full)
    } else {
        EMBEDDED
            .get_or_init(|| build(false))
            .get_template(name)?
            .render(full)
    }
}

/// JSON text safe inside `<script type="application/json">`: `<`, `>`, `&` and the JavaScript
/// line separators are written as `\uXXXX` escapes (they can only occur inside JSON strings, so
/// the result is still the same JSON).
pub fn script_json(value: &serde_json::Value) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_script() {
        let v = serde_json::json!({"d": "</script><b>&amp;\u{2028}"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn the_import_map_gives_every_module_its_cache_busting_url() {
        let map: serde_json::Value = serde_json::from_str(&importmap(false)).unwrap();
        let imports = map["imports"].as_object().unwrap();
        for module in ["chat.js", "listkeys.js", "typeahead.js"] {
            let url = imports[&format!("/static/js/{module}")].as_str().unwrap();
            assert!(url.starts_with(&format!("/static/js/{module}?v=")), "{url}");
        }
        assert!(imports.keys().all(|k| !k.contains("vendor")));
    }
}
