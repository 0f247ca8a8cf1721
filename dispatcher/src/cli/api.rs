//! `rsstreaming api URL (--username U --key K | --token T) [--json] <op>`: the remote-control
//! client (SPEC §3, §8: a scoped API token instead of the key); `--json` prints the server's
//! answer as it is, for scripts.

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use reqwest::{Method, StatusCode};
use rsstreaming_shared::auth::StreamKey;
use rsstreaming_shared::names::Username;
use rsstreaming_shared::text::utc;
use serde::Deserialize;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ApiArgs {
    /// The site, e.g. https://coolstreamingsite.com
    pub url: String,
    /// The streamer's username (with --key).
    #[arg(long, alias = "user", required_unless_present = "token")]
    pub username: Option<Username>,
    /// The streamer's stream key (or RSSTREAMING_API_KEY: a key on the command line shows in
    /// `ps` to every user of the machine).
    #[arg(
        long,
        env = "RSSTREAMING_API_KEY",
        hide_env_values = true,
        required_unless_present = "token"
    )]
    pub key: Option<StreamKey>,
    /// A scoped API token (`streamer token add`) instead of username and key (or
    /// RSSTREAMING_API_TOKEN); wins over them.
    #[arg(long, env = "RSSTREAMING_API_TOKEN", hide_env_values = true)]
    pub token: Option<StreamKey>,
    /// Print the server's JSON answer (one line) instead of text for people.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub op: ApiOp,
}

#[derive(Subcommand, Debug)]
pub enum ApiOp {
    /// Show live state, viewers, chat members, description and viewer password.
    #[command(name = "getinfo")]
    GetInfo,
    /// Set the description (left out: remove it).
    #[command(name = "setdescription")]
    SetDescription {
        /// The new description.
        #[arg(long)]
        description: Option<String>,
    },
    /// Set the viewer password (left out or empty: remove it).
    #[command(name = "setpassword")]
    SetPassword {
        /// The new viewer password.
        #[arg(long)]
        password: Option<String>,
    },
    /// Post into the live chat on the streamer's behalf.
    #[command(name = "sendmessage")]
    SendMessage {
        /// normal, action or server.
        #[arg(long = "type", default_value = "normal", value_parser = ["normal", "action", "server"])]
        kind: String,
        /// The text to post.
        #[arg(long)]
        message: String,
    },
    /// Print the chat's messages, oldest first.
    #[command(name = "getmessages")]
    GetMessages {
        /// Only the last N.
        #[arg(long)]
        limit: Option<u64>,
        /// Only those since the stream last started.
        #[arg(long)]
        last_stream_only: bool,
    },
}

#[derive(Deserialize)]
struct Info {
    username: String,
    description: String,
    streampass: Option<String>,
    live: bool,
    viewers: u64,
    members: Vec<String>,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    timestamp: i64,
    name: Option<String>,
    message: String,
}

/// How the client proves who it acts for.
enum Credentials {
    Basic(Username, StreamKey),
    Bearer(StreamKey),
}

/// Talks to one server as one streamer.
struct Client {
    http: reqwest::Client,
    base: String,
    credentials: Credentials,
}

impl Client {
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> anyhow::Result<String> {
        let url = format!("{}{path}", self.base);
        let mut req = self.http.request(method, &url);
        req = match &self.credentials {
            Credentials::Basic(username, key) => req.basic_auth(username, Some(key.expose())),
            Credentials::Bearer(token) => req.bearer_auth(token.expose()),
        };
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.map_err(|e| {
            let why = if e.is_timeout() {
                "timed out".to_string()
            } else {
                root_cause(&e)
            };
            anyhow::anyhow!("cannot reach {}: {why}", self.base)
        })?;
        let status = resp.status();
        let text = resp.text().await.context("reading the server's answer")?;
        if status.is_success() {
            return Ok(text);
        }
        let detail = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string));
        match status {
            StatusCode::UNAUTHORIZED => match self.credentials {
                Credentials::Basic(..) => {
                    bail!("HTTP 401 from {}: wrong username or stream key", self.base)
                }
                Credentials::Bearer(_) => {
                    bail!("HTTP 401 from {}: unknown or revoked API token", self.base)
                }
            },
            StatusCode::NOT_FOUND => bail!("HTTP 404 from {url}: is this an rsstreaming site?"),
            _ => bail!(
                "HTTP {} from {url}: {}",
                status.as_u16(),
                detail.unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string())
            ),
        }
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn parse<T: for<'de> Deserialize<'de>>(text: &str) -> anyhow::Result<T> {
    serde_json::from_str(text).context("the server's answer is not what an rsstreaming API sends")
}

pub async fn run(args: ApiArgs) -> anyhow::Result<()> {
    let base = args.url.trim_end_matches('/').to_string();
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        bail!(
            "URL must start with http:// or https://, not `{}`",
            args.url
        );
    }
    let client = Client {
        http: reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .user_agent(concat!("rsstreaming-api/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("setting up the HTTP client")?,
        base,
        credentials: match (args.token, args.username, args.key) {
            (Some(token), ..) => Credentials::Bearer(token),
            (None, Some(username), Some(key)) => Credentials::Basic(username, key),
            _ => bail!("give --username and --key, or --token"),
        },
    };
    let (method, path, body) = request_of(&args.op);
    let answer = client.call(method, &path, body).await?;
    if args.json {
        // The server's JSON as it sent it (checked to be JSON), one document on one line.
        let value: serde_json::Value = parse(&answer)?;
        println!("{value}");
        return Ok(());
    }
    match args.op {
        ApiOp::GetInfo => print_info(&parse(&answer)?),
        ApiOp::SetDescription { .. } => {
            let info: Info = parse(&answer)?;
            if info.description.is_empty() {
                println!("description removed");
            } else {
                println!("description set: {}", info.description);
            }
        }
        ApiOp::SetPassword { .. } => match parse::<Info>(&answer)?.streampass {
            Some(_) => println!("viewer password set"),
            None => println!("viewer password removed"),
        },
        ApiOp::SendMessage { .. } => println!("message sent"),
        ApiOp::GetMessages { .. } => {
            let lines: Vec<Line> = parse(&answer)?;
            if lines.is_empty() {
                println!("(no messages)");
            }
            for l in lines {
                println!("{}", format_line(&l));
            }
        }
    }
    Ok(())
}

/// The HTTP request an operation makes: method, path with query, JSON body.
fn request_of(op: &ApiOp) -> (Method, String, Option<serde_json::Value>) {
    match op {
        ApiOp::GetInfo => (Method::GET, "/api/info".into(), None),
        ApiOp::SetDescription { description } => {
            let d = description.clone().unwrap_or_default();
            let body = serde_json::json!({ "description": d });
            (Method::PATCH, "/api/info".into(), Some(body))
        }
        ApiOp::SetPassword { password } => {
            let p = password.as_ref().filter(|p| !p.is_empty());
            let body = serde_json::json!({ "streampass": p });
            (Method::PATCH, "/api/info".into(), Some(body))
        }
        ApiOp::SendMessage { kind, message } => {
            let body = serde_json::json!({ "type": kind, "message": message });
            (Method::POST, "/api/messages".into(), Some(body))
        }
        ApiOp::GetMessages {
            limit,
            last_stream_only,
        } => {
            let mut q = Vec::new();
            if let Some(n) = limit {
                q.push(format!("limit={n}"));
            }
            if *last_stream_only {
                q.push("lastStreamOnly=true".into());
            }
            let query = if q.is_empty() {
                String::new()
            } else {
                format!("?{}", q.join("&"))
            };
            (Method::GET, format!("/api/messages{query}"), None)
        }
    }
}

fn print_info(i: &Info) {
    println!("username:    {}", i.username);
    println!("live:        {}", if i.live { "yes" } else { "no" });
    println!("viewers:     {}", i.viewers);
    println!(
        "description: {}",
        if i.description.is_empty() {
            "(none)"
        } else {
            &i.description
        }
    );
    println!(
        "password:    {}",
        i.streampass.as_deref().unwrap_or("(none)")
    );
    println!(
        "members:     {}",
        if i.members.is_empty() {
            "(none)".to_string()
        } else {
            i.members.join(", ")
        }
    );
}

fn format_line(l: &Line) -> String {
    let when = utc(l.timestamp);
    let name = l.name.as_deref().unwrap_or("?");
    match l.kind.as_str() {
        "action" => format!("[{when}] * {name} {}", l.message),
        "broadcast" => format!("[{when}] ** {}", l.message),
        _ => format!("[{when}] <{name}> {}", l.message),
    }
}
