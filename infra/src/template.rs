//! The deployment template: `template/stack.yaml` (everything but the functions) with one
//! `AWS::Serverless::Function` per entry of [`functions`] put in at its `# @functions` line.
//! `infra/template.yaml` is this output, committed so it can be read and linted; a unit test
//! fails when it falls behind the route table.

use crate::deployment::{functions, FunctionSpec, DEFAULT_FUNCTION};
use rsstreaming_handlers::Route;
use std::fmt::Write;

const STACK: &str = include_str!("../template/stack.yaml");
const MARKER: &str = "  # @functions";

/// The whole template for `table`.
pub fn render(table: &[Route]) -> String {
    let (head, tail) = STACK
        .split_once(MARKER)
        .expect("template/stack.yaml has its `# @functions` line");
    let tail = tail.split_once('\n').map(|(_, rest)| rest).unwrap_or("");
    let mut out = String::from(head);
    out.push_str("  # --- one function per route (generated from the route table) ------------------------\n");
    for spec in functions(table) {
        function(&mut out, &spec);
    }
    out.push_str(tail);
    out
}

fn function(out: &mut String, spec: &FunctionSpec) {
    let id = spec.logical_id();
    let description = spec
        .route_keys
        .join(", ")
        .replace("$default", "every other request ($default)");
    let _ = writeln!(out, "  {id}:");
    let _ = writeln!(out, "    Type: AWS::Serverless::Function");
    let _ = writeln!(out, "    DependsOn: [HlsMountTargetA, HlsMountTargetB]");
    let _ = writeln!(out, "    Properties:");
    let _ = writeln!(out, "      Description: \"{description}\"");
    let _ = writeln!(
        out,
        "      CodeUri: ../target/lambda/{}/bootstrap.zip",
        spec.name
    );
    let _ = writeln!(out, "      Role: !GetAtt FunctionRole.Arn");
    let _ = writeln!(out, "      FileSystemConfigs:");
    let _ = writeln!(out, "        - Arn: !GetAtt HlsAccessPoint.Arn");
    let _ = writeln!(out, "          LocalMountPath: /mnt/hls");
    let _ = writeln!(out, "      Environment:");
    let _ = writeln!(out, "        Variables:");
    let _ = writeln!(out, "          RSSTREAMING_FUNCTION: \"{}\"", spec.selector);
    // The hooks are called by the RTMP host directly; the fallback answers whatever else
    // reaches the API (a HEAD, an unknown path), so it trusts no forwarded header either.
    if spec.publish_hook || spec.name == DEFAULT_FUNCTION {
        let _ = writeln!(out, "          RSSTREAMING_PROXY_HOPS: \"0\"");
    }
    if spec.publish_hook {
        let _ = writeln!(out, "          RSSTREAMING_PUBLISH_ALLOW: !Ref RtmpAddress");
    }
    let _ = writeln!(out, "      Events:");
    for (i, key) in spec.route_keys.iter().enumerate() {
        let _ = writeln!(out, "        Route{}:", i + 1);
        let _ = writeln!(out, "          Type: HttpApi");
        let _ = writeln!(out, "          Properties:");
        let _ = writeln!(out, "            ApiId: !Ref HttpApi");
        if let Some((method, path)) = key.split_once(' ') {
            let _ = writeln!(out, "            Method: {method}");
            let _ = writeln!(out, "            Path: \"{path}\"");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_gets_a_function_and_the_hooks_trust_only_the_rtmp_host() {
        let t = render(&rsstreaming_handlers::routes());
        for route in rsstreaming_handlers::routes() {
            if rsstreaming_handlers::serve_only(&route) {
                assert!(!t.contains(&format!("Path: \"{}\"", route.path)));
                continue;
            }
            assert!(
                t.contains(&format!("RSSTREAMING_FUNCTION: \"{}\"", route.name)),
                "{}",
                route.name
            );
            assert!(t.contains(&format!("Method: {}", route.method)));
        }
        assert!(t.contains("  DefaultFunction:\n"), "the $default fallback");
        assert_eq!(
            t.matches("RSSTREAMING_PUBLISH_ALLOW: !Ref RtmpAddress")
                .count(),
            rsstreaming_handlers::routes()
                .iter()
                .filter(|r| r.path.starts_with("/auth/"))
                .count()
        );
        assert!(!t.contains(MARKER));
    }

    #[test]
    fn the_fallback_trusts_nothing_and_serves_no_hook() {
        let t = render(&rsstreaming_handlers::routes());
        let start = t.find("  DefaultFunction:\n").expect("DefaultFunction");
        let fallback = &t[start..];
        let fallback = &fallback[..fallback.find("Route1:").expect("its route")];
        assert!(
            fallback.contains("RSSTREAMING_PROXY_HOPS: \"0\""),
            "{fallback}"
        );
        let selector = fallback
            .lines()
            .find_map(|l| l.trim().strip_prefix("RSSTREAMING_FUNCTION: "))
            .expect("selector");
        assert!(
            !selector.contains("publish") && selector.contains("stream_page"),
            "{selector}"
        );
        assert!(t.contains("DisableExecuteApiEndpoint: true"));
        assert!(
            !t.contains("execute-api."),
            "nothing is reached through execute-api"
        );
    }

    #[test]
    fn the_committed_template_is_current() {
        let current = render(&rsstreaming_handlers::routes());
        let committed = include_str!("../template.yaml");
        assert!(
            current == committed,
            "infra/template.yaml is behind the route table or template/stack.yaml; run\n  \
             cargo run -q -p rsstreaming-infra --bin rsstreaming-template > infra/template.yaml"
        );
    }
}
