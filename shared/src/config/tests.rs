//! Parsing, defaults, environment overrides and the one-line errors of the configuration.

use super::*;

fn parse(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_yaml(text, "test.yaml", move |k| {
        env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    })
}

#[test]
fn python_keys_are_accepted() {
    let c = parse(
        "database:\n  address: db\n  database: st\n  user: u\n  password: p@ss\nsecret_key: s\nhls_dir: /tmp/hls\nlive_indicator_delay: 5\nvideo_qualities: [Original, 720P]\n",
        &[],
    )
    .unwrap();
    assert_eq!(c.database_url().unwrap(), "mysql://u:p%40ss@db/st");
    assert_eq!(c.video_qualities, ["Original", "720P"]);
    assert!(c.redis.is_none());
}

#[test]
fn environment_overrides_every_kind_of_leaf() {
    let c = parse(
        "hls_dir: a\n",
        &[
            ("RSSTREAMING_HLS_DIR", "/x"),
            ("RSSTREAMING_REDIS_URL", "redis://h"),
            ("RSSTREAMING_LIVE_INDICATOR_DELAY", "7"),
            ("RSSTREAMING_THEMES", "dark, light"),
            ("RSSTREAMING_DATABASE_URL", "sqlite://x.db"),
        ],
    )
    .unwrap();
    assert_eq!(c.hls_dir, PathBuf::from("/x"));
    assert_eq!(c.redis.as_ref().unwrap().url, "redis://h");
    assert_eq!(c.live_indicator_delay, 7.0);
    assert_eq!(c.themes, ["dark", "light"]);
    assert_eq!(c.database_url().unwrap(), "sqlite://x.db");
}

#[test]
fn errors_name_the_file_and_the_key() {
    let e = parse("hls_dirr: x\n", &[]).unwrap_err().to_string();
    assert!(e.contains("test.yaml") && e.contains("hls_dirr"), "{e}");
    /// A file, its environment, and what the error must name.
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
    let cases: &[Case] = &[
        (
            "live_indicator_delay: soon\n",
            &[],
            &["live_indicator_delay"],
        ),
        ("database:\n  port: 3\n", &[], &["database", "port"]),
        (
            "",
            &[("RSSTREAMING_LIVE_INDICATOR_DELAY", "x")],
            &["live_indicator_delay"],
        ),
        (
            "video_qualities: [720P, \"a b\"]\n",
            &[],
            &["video_qualities", "`a b`"],
        ),
        (
            "metrics:\n  allow: [10.0.0.0/33]\n",
            &[],
            &["metrics.allow", "10.0.0.0/33"],
        ),
        (
            "",
            &[("RSSTREAMING_METRICS_ALLOW", "nowhere")],
            &["metrics.allow", "nowhere"],
        ),
        ("[1, 2]", &[], &["mapping"]),
    ];
    for (yaml, env, named) in cases {
        let e = parse(yaml, env).unwrap_err().to_string();
        assert!(named.iter().all(|n| e.contains(n)), "{yaml:?}: {e}");
    }
}
