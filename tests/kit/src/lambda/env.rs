//! Configuration as a function deployment gets it: `RSSTREAMING_*` variables only, and always a
//! Redis (the one way the gateway and the functions share presence, rosters and messages).

use crate::config::{redis_reachable, redis_url, redis_yaml};
use rsstreaming_shared::Config;
use std::path::{Path, PathBuf};

/// The site's config as deployed: a function deployment always has Redis (the one way the
/// gateway and the functions share presence, rosters and messages), so a config without
/// `redis` gets one with a key prefix of its own, written next to the stack's logs.
pub(super) async fn with_redis(config: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(config).expect("read config");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("config YAML");
    if yaml.get("redis").is_some() {
        return config.to_path_buf();
    }
    if !redis_reachable().await {
        eprintln!("Redis unreachable: the functions and the gateway share nothing");
        return config.to_path_buf();
    }
    let path = dir.join("config.yaml");
    let text = format!("{text}\n{}", redis_yaml(&redis_url()));
    std::fs::write(&path, text).expect("write config");
    path
}

/// `RSSTREAMING_*` variables equivalent to the config file, checked to load the same `Config`.
pub fn config_env(config: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(config).expect("read config");
    let yaml: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).expect("config YAML");
    let mut env = Vec::new();
    flatten(&yaml, &mut Vec::new(), &mut env);
    let from_file = Config::from_yaml(&text, "file", |_| None).expect("config loads");
    let lookup = env.clone();
    let from_env = Config::from_yaml("{}", "environment", move |k| {
        lookup.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
    .expect("config from the environment loads");
    assert_eq!(
        format!("{from_file:?}"),
        format!("{from_env:?}"),
        "this config cannot be expressed as RSSTREAMING_* variables: {env:?}"
    );
    env
}

fn flatten(v: &serde_yaml_ng::Value, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    use serde_yaml_ng::Value;
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let name = || format!("RSSTREAMING_{}", path.join("_").to_uppercase());
    match v {
        Value::Mapping(m) => {
            for (k, v) in m {
                path.push(scalar(k).expect("string keys"));
                flatten(v, path, out);
                path.pop();
            }
        }
        Value::Sequence(items) => {
            let items: Vec<String> = items.iter().filter_map(scalar).collect();
            out.push((name(), items.join(",")));
        }
        Value::Null => {}
        other => out.push((name(), scalar(other).expect("scalar"))),
    }
}
