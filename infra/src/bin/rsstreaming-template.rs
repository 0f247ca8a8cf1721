//! Prints the deployment template (`infra/template.yaml`) for the current route table.

fn main() {
    print!(
        "{}",
        rsstreaming_infra::template::render(&rsstreaming_handlers::routes())
    );
}
