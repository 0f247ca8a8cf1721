#!/usr/bin/env bash
# Validates the deployment template offline: infra/template.yaml must be what the route table
# and infra/template/stack.yaml generate, and cfn-lint (which runs the SAM transform locally)
# must find nothing. Needs `pip install cfn-lint`. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "lint: cfn-lint is missing: pip install cfn-lint" >&2; exit 1
fi
generated=$(mktemp)
trap 'rm -f "$generated"' EXIT
cargo run -q -p rsstreaming-infra --bin rsstreaming-template > "$generated"
if ! diff -u infra/template.yaml "$generated"; then
  echo "lint: infra/template.yaml is stale; regenerate it:" >&2
  echo "  cargo run -q -p rsstreaming-infra --bin rsstreaming-template > infra/template.yaml" >&2
  exit 1
fi
cfn-lint infra/template.yaml
echo "lint: infra/template.yaml is current and valid ($(grep -c 'Type: AWS::Serverless::Function' infra/template.yaml) functions)"
