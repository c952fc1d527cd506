#![deny(missing_docs, warnings)]
//! The reference checklist compiles, warning-free, as a public API.

use checklist_md::checklist;

checklist!(
    /// The production deployment checklist.
    pub Seed, "examples/checklists/production-deployment.md"
);

fn main() {
    let items = Seed::items();
    let _ = items.pre_deployment.code_quality.linting_passes_with_no_errors;
    assert_eq!(Seed::spec().items().len(), 177);
}
